// A tiny real training run: real clips → the project's feature extractor → the training loop on the
// wasm backend (as `msir train` runs) for a few epochs; the loss goes down, and the exported model
// folder, loaded back through loadPredictor, predicts what the training graph predicts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioFile } from '../../src/audio/node.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import type { Emotion } from '../../src/model/emotions.ts';
import { saveModelDir, MODEL_FILE } from '../../src/model/io.ts';
import { loadPredictor } from '../../src/model/load.ts';
import type { ModelManifest } from '../../src/model/manifest.ts';
import { makeConfig } from '../../src/model/presets.ts';
import { initBackend } from '../../training/backend/index.ts';
import { fitNormalisation, makeSample, type Sample } from '../../training/train/data.ts';
import { predictSamples, trainMsir } from '../../training/train/loop.ts';

const EMODB = path.resolve(import.meta.dirname, '../../../shared/corpora/emodb/audio');
// EmoDB codes: W angry, F happy, T sad, N neutral; two speakers each for train, one for val.
const TRAIN: Array<[string, Emotion]> = [
  ['03a01Wa.flac', 'angry'], ['03a01Fa.flac', 'happy'], ['03a02Ta.flac', 'sad'], ['03a01Nc.flac', 'neutral'],
  ['08a01Wa.flac', 'angry'], ['08a01Fd.flac', 'happy'], ['08a02Tb.flac', 'sad'], ['08a01Na.flac', 'neutral'],
];
const VAL: Array<[string, Emotion]> = [['15a01Wa.flac', 'angry'], ['15a01Fb.flac', 'happy'], ['15a02Ta.flac', 'sad'], ['15a01Nb.flac', 'neutral']];

const cfg = makeConfig('tiny', ['cr', 'lld']);
let train: Sample[];
let val: Sample[];
let norm: Record<string, { mean: number[]; std: number[] }>;
const dir = mkdtempSync(path.join(tmpdir(), 'msir-train-'));

beforeAll(async () => {
  expect(await initBackend('wasm')).toMatch(/^wasm/);
  const ex = new FeatureExtractor();
  const feats = async (list: Array<[string, Emotion]>) => Promise.all(list.map(async ([f]) => ex.extract(await readAudioFile(path.join(EMODB, f)))));
  const trainF = await feats(TRAIN);
  const valF = await feats(VAL);
  norm = fitNormalisation(cfg, trainF);
  train = TRAIN.map(([f, l], i) => makeSample(cfg, f, l, trainF[i]!, norm));
  val = VAL.map(([f, l], i) => makeSample(cfg, f, l, valF[i]!, norm));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('training on real clips', () => {
  it('lowers the loss, and the exported folder predicts like the training graph', async () => {
    const r = trainMsir({ cfg, train, val, lr: 0.01, epochs: 4, patience: 10, batchSize: 8, microBatch: 4, cropFrames: 200, seed: 3, progress: false });
    expect(r.history.length).toBe(4);
    expect(r.history[3]!.loss).toBeLessThan(r.history[0]!.loss);
    expect(r.thresholds).toHaveLength(4);
    await saveModelDir(r.model, dir);
    const manifest: ModelManifest = {
      formatVersion: 1, name: 'tiny', arch: 'msir', branches: cfg.branches, inputs: { logmel: '2d', lld: '3d' },
      features: { sampleRate: 16000, frameStepSec: 0.01, logmelBands: 40, lldCount: 65 }, normalisation: norm,
      emotions: ['happy', 'neutral', 'sad', 'angry'], thresholds: r.thresholds, encoder: null,
      training: { corpora: [{ name: 'emodb', licence: 'research' }], seed: 3, commit: 'test', date: '2026-11-24' },
      metrics: {}, msir: { modelFile: MODEL_FILE, config: cfg },
    };
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const p = await loadPredictor(dir);
    const ex = new FeatureExtractor();
    const { probs } = predictSamples(r.graph, val, 4);
    for (let i = 0; i < VAL.length; i++) {
      const out = await p.predict({ features: ex.extract(await readAudioFile(path.join(EMODB, VAL[i]![0]))) });
      out.probabilities.forEach((v, k) => expect(v).toBeCloseTo(probs[i]![k]!, 4));
    }
    p.dispose();
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('weight averaging of the best epochs (--average-top)', () => {
  it('follows the same run, averages K distinct epochs led by the best one, and leaks no tensors', () => {
    const opts = { cfg, train, val, lr: 0.01, epochs: 5, patience: 10, batchSize: 8, microBatch: 4, cropFrames: 200, seed: 4, progress: false };
    const before = tf.memory().numTensors;
    const plain = trainMsir(opts);
    const avg = trainMsir({ ...opts, averageTop: 3 });
    expect(avg.bestEpoch).toBe(plain.bestEpoch);
    expect(avg.bestEpochVal!.summary).toEqual(plain.val.summary);
    expect(avg.averagedEpochs).toHaveLength(3);
    expect(new Set(avg.averagedEpochs).size).toBe(3);
    expect(avg.averagedEpochs![0]).toBe(plain.bestEpoch);
    const vals = (r: typeof plain) => avg.averagedEpochs!.map((e) => r.history[e - 1]!.valUar);
    // every averaged epoch is at least as good on val as every epoch left out
    const left = plain.history.filter((h) => !avg.averagedEpochs!.includes(h.epoch)).map((h) => h.valUar);
    expect(Math.min(...vals(plain))).toBeGreaterThanOrEqual(Math.max(...left));
    const w0 = plain.model.weights.map((w) => Array.from(w.read().dataSync()));
    const w1 = avg.model.weights.map((w) => Array.from(w.read().dataSync()));
    expect(w1.some((w, i) => w.some((v, j) => v !== w0[i]![j]))).toBe(true);
    expect(w1.flat().every(Number.isFinite)).toBe(true);
    expect(avg.thresholds).toHaveLength(4);
    plain.model.dispose();
    avg.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('auxiliary emotion head (--aux-emotions)', () => {
  it('trains on extra clips without touching the exported model, and leaks no tensors', async () => {
    const { makeBatch, disposeBatch } = await import('../../training/train/data.ts');
    // Two EmoDB clips of other emotions (L boredom, A fear) from the train speakers.
    const ex = new FeatureExtractor();
    const extra: Sample[] = await Promise.all(
      (['03a04Lc.flac', '08a01Ab.flac'] as const).map(async (f, i) => ({ ...makeSample(cfg, f, 'neutral', ex.extract(await readAudioFile(path.join(EMODB, f))), norm), aux: 4 + i, auxOnly: true })),
    );
    const withAux = [...train.map((s, i) => ({ ...s, aux: i % 4 })), ...extra];
    // Batches: detector targets all 0 and weight 0 for the extra clips, one-hot auxiliary targets.
    const b = makeBatch(cfg, withAux.slice(6), { auxClasses: 6 });
    expect(Array.from(b.aux!.weights.dataSync())).toEqual([1, 1, 0, 0]);
    expect(Array.from(b.targets.dataSync().slice(8))).toEqual(new Array(8).fill(0));
    expect(Array.from(b.aux!.targets.dataSync().slice(12))).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
    expect(() => makeBatch(cfg, train.slice(0, 1), { auxClasses: 6 })).toThrow(/auxiliary class/);
    disposeBatch(b);

    const before = tf.memory().numTensors;
    const opts = { cfg, val, lr: 0.01, epochs: 3, patience: 10, batchSize: 8, microBatch: 4, cropFrames: 200, seed: 5, progress: false };
    const r = trainMsir({ ...opts, train: withAux, aux: { classes: 6, weight: 0.5, fraction: 1 } });
    expect(r.history).toHaveLength(3);
    expect(r.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    // the exported model is the plain architecture: same weights list as a run without the head
    const plain = trainMsir({ ...opts, train });
    expect(r.model.weights.map((w) => w.shape)).toEqual(plain.model.weights.map((w) => w.shape));
    expect(() => trainMsir({ ...opts, train: [...train, ...extra], aux: { classes: 6, weight: 0.5, fraction: 1 } })).toThrow(/aux class/);
    r.model.dispose();
    plain.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('speaker-adversarial head (--adv-speakers)', () => {
  it('changes the training of the shared layers, not the exported model, and leaks no tensors', async () => {
    const { makeBatch, disposeBatch } = await import('../../training/train/data.ts');
    // TRAIN holds speakers 03 (first four clips) and 08.
    const withSpk = train.map((s, i) => ({ ...s, speaker: i < 4 ? 0 : 1 }));
    const b = makeBatch(cfg, withSpk.slice(2, 6), { speakers: 2 });
    expect(Array.from(b.speakers!.dataSync())).toEqual([1, 0, 1, 0, 0, 1, 0, 1]);
    expect(() => makeBatch(cfg, train.slice(0, 1), { speakers: 2 })).toThrow(/speaker index/);
    disposeBatch(b);

    const before = tf.memory().numTensors;
    const opts = { cfg, val, lr: 0.01, epochs: 3, patience: 10, batchSize: 8, microBatch: 4, cropFrames: 200, seed: 6, progress: false };
    const plain = trainMsir({ ...opts, train });
    const adv = trainMsir({ ...opts, train: withSpk, adversary: { speakers: 2, weight: 1 } });
    expect(adv.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    expect(adv.model.weights.map((w) => w.shape)).toEqual(plain.model.weights.map((w) => w.shape));
    // the reversed gradient reached the shared layers: the trained weights differ from the plain run's
    const differs = adv.model.weights.some((w, i) => {
      const a = w.read().dataSync();
      const p = plain.model.weights[i]!.read().dataSync();
      return a.some((v, j) => v !== p[j]);
    });
    expect(differs).toBe(true);
    expect(() => trainMsir({ ...opts, train, adversary: { speakers: 2, weight: 1 } })).toThrow(/speaker index/);
    adv.model.dispose();
    plain.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('training batches', () => {
  it('are deterministic by seed; augmentation masks whole spans and leaves padding at 0', async () => {
    const { makeBatch, sampleFrames } = await import('../../training/train/data.ts');
    const { Rng } = await import('../../training/train/rng.ts');
    const opts = (seed: number) => ({ maxFrames: 150, rng: new Rng(seed), noise: 0.1, mask: { masks: 2, maxFrames: 30, maxBands: 6 } });
    const a = makeBatch(cfg, train.slice(0, 3), opts(7));
    const b = makeBatch(cfg, train.slice(0, 3), opts(7));
    const c = makeBatch(cfg, train.slice(0, 3), opts(8));
    expect(Array.from(a.batch.logmel!.dataSync())).toEqual(Array.from(b.batch.logmel!.dataSync()));
    expect(Array.from(a.batch.lld!.dataSync())).toEqual(Array.from(b.batch.lld!.dataSync()));
    expect(Array.from(a.batch.lld!.dataSync())).not.toEqual(Array.from(c.batch.lld!.dataSync()));
    expect(a.batch.logmelLengths!.every((l) => l <= 150)).toBe(true);
    // without augmentation the batch holds the clip's own (normalised) rows from the centred crop
    const plain = makeBatch(cfg, [train[0]!], { maxFrames: 150 });
    const s = train[0]!.lld!;
    const start = Math.floor((sampleFrames(train[0]!) - 150) / 2); // one crop window for both inputs
    expect(Array.from(plain.batch.lld!.dataSync().slice(0, 195))).toEqual(Array.from(s.data.slice(start * 195, start * 195 + 195)));
    const T = plain.batch.lld!.shape[1];
    expect(T % cfg.lld.timePool).toBe(0);
    expect(Array.from(plain.batch.lld!.dataSync().slice(150 * 195)).every((v) => v === 0)).toBe(true);
    expect(T).toBeGreaterThanOrEqual(150);
  });
});
