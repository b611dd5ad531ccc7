// Export → load → same predictions; manifest validation; the predictor (normalisation, short and long
// inputs); loadPredictor from a model folder on disk.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initWeights } from '../../src/model/graph.ts';
import { buildMsirModel } from '../../src/model/msir.ts';
import { loadModelFromFiles, saveModelDir, serializeModel, MODEL_FILE } from '../../src/model/io.ts';
import { loadPredictor } from '../../src/model/load.ts';
import { ManifestError, parseManifest, type ModelManifest } from '../../src/model/manifest.ts';
import { MsirPredictor } from '../../src/model/msir-predictor.ts';
import { makeConfig, minInputFrames } from '../../src/model/presets.ts';
import type { Features } from '../../src/features/types.ts';

const cfg = makeConfig('tiny', ['cr', 'lld']);
const model = buildMsirModel(cfg, 5);
initWeights(model, 5);

function manifestFor(maxFrames?: number): ModelManifest {
  return {
    formatVersion: 1,
    name: 'test',
    arch: 'msir',
    branches: ['cr', 'lld'],
    inputs: { logmel: '2d', lld: '3d' },
    features: { sampleRate: 16000, frameStepSec: 0.01, logmelBands: 40, lldCount: 65, ...(maxFrames ? { maxFrames } : {}) },
    normalisation: {
      logmel: { mean: Array.from({ length: 80 }, (_, i) => i / 10), std: Array.from({ length: 80 }, (_, i) => 1 + i / 50) },
      lld: { mean: Array(195).fill(0.5), std: Array(195).fill(2) },
    },
    emotions: ['happy', 'neutral', 'sad', 'angry'],
    thresholds: [0.5, 0.4, 0.3, 0.6],
    encoder: null,
    training: { corpora: [{ name: 'ravdess', licence: 'CC BY-NC-SA 4.0' }], seed: 1, commit: 'x', date: '2026-11-24' },
    metrics: {},
    msir: { modelFile: MODEL_FILE, config: cfg },
  };
}

function features(frames: number, seed: number): Features {
  const r = (n: number, s: number) => tf.randomNormal([n], 0, 3, 'float32', s).dataSync() as Float32Array;
  return { logmel: r(frames * 80, seed), logmelFrames: frames, lld: r(frames * 195, seed + 1), lldFrames: frames, durationSec: frames / 100 };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('export and load', () => {
  it('a serialised model loads with tf.loadLayersModel and predicts identically', async () => {
    const files = await serializeModel(model);
    expect(files.modelJson.format).toBe('layers-model');
    const loaded = await loadModelFromFiles(files);
    const x = [tf.randomNormal([1, 56, 40, 2], 0, 1, 'float32', 1), tf.randomNormal([1, 56, 195], 0, 1, 'float32', 2)];
    const a = model.predict(x) as tf.Tensor[];
    const b = loaded.predict(x) as tf.Tensor[];
    expect(b.length).toBe(3);
    a.forEach((t, i) => expect(Array.from(b[i]!.dataSync())).toEqual(Array.from(t.dataSync())));
  });

  it('loadPredictor reads a model folder; predictions equal the in-memory model on normalised inputs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'msir-model-'));
    dirs.push(dir);
    await saveModelDir(model, dir);
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifestFor()));
    const p = await loadPredictor(dir);
    const f = features(73, 3);
    const out = await p.predict({ features: f });
    const ref = new MsirPredictor(manifestFor(), model).run(new MsirPredictor(manifestFor(), model).prepare({ features: f }));
    expect(Array.from(out.probabilities)).toEqual(Array.from(ref.probabilities));
    expect(out.attention.cr!.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    expect(out.attention.lld!.length).toBe(Math.floor(73 / cfg.lld.timePool));
    // normalisation is applied: un-normalised features through the raw model give something else
    const raw = model.predict([tf.tensor4d(f.logmel, [1, 73, 40, 2]), tf.tensor3d(f.lld, [1, 73, 195])]) as tf.Tensor[];
    expect(Array.from(raw[0]!.dataSync())).not.toEqual(Array.from(out.probabilities));
  });

  it('pads very short inputs to the minimum length and chunks inputs longer than maxFrames', async () => {
    const min = minInputFrames(cfg);
    const p = new MsirPredictor(manifestFor(100), model);
    const tiny = await p.predict({ features: features(3, 5) });
    expect(tiny.probabilities.every((v) => v > 0 && v < 1)).toBe(true);
    expect(min.logmel).toBeGreaterThan(3);
    // 250 frames with maxFrames 100 → 3 chunks of 83/83/84 frames, probabilities = mean of the chunks
    const f = features(250, 7);
    const whole = await p.predict({ features: f });
    const unchunked = new MsirPredictor(manifestFor(), model);
    const prepared = unchunked.prepare({ features: f });
    const bounds = [0, 83, 166, 250];
    const chunkProbs = [0, 1, 2].map((c) => unchunked.run(prepared.map((q) => ({ branch: q.branch, m: { data: q.m.data.subarray(bounds[c]! * q.m.cols, bounds[c + 1]! * q.m.cols), rows: bounds[c + 1]! - bounds[c]!, cols: q.m.cols } }))).probabilities);
    whole.probabilities.forEach((v, i) => expect(v).toBeCloseTo((chunkProbs[0]![i]! + chunkProbs[1]![i]! + chunkProbs[2]![i]!) / 3, 6));
    expect(whole.attention.cr!.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    const full = await unchunked.predict({ features: f });
    expect(Array.from(full.probabilities)).not.toEqual(Array.from(whole.probabilities));
  });

  it('rejects features the model cannot use with a clear message', async () => {
    const p = new MsirPredictor(manifestFor(), model);
    const f = features(50, 9);
    await expect(p.predict({ features: { ...f, lld: new Float32Array(0), lldFrames: 0 } })).rejects.toThrow(/LLD features/);
  });
});

describe('parseManifest', () => {
  it('accepts a valid manifest and names the first problem of an invalid one', () => {
    const ok = manifestFor(1000);
    expect(parseManifest(JSON.parse(JSON.stringify(ok))).name).toBe('test');
    const bad = (patch: Record<string, unknown>) => () => parseManifest({ ...JSON.parse(JSON.stringify(ok)), ...patch });
    expect(bad({ formatVersion: 2 })).toThrow(ManifestError);
    expect(bad({ formatVersion: 2 })).toThrow(/formatVersion must be 1/);
    expect(bad({ branches: ['cr', 'xx'] })).toThrow(/branches/);
    expect(bad({ thresholds: [0.5, 0.5] })).toThrow(/thresholds must be 4 numbers/);
    expect(bad({ thresholds: [0.5, 0.5, 2, 0.5] })).toThrow(/\[0, 1\]/);
    expect(bad({ emotions: ['happy', 'happy', 'sad', 'angry'] })).toThrow(/distinct/);
    expect(bad({ normalisation: { logmel: { mean: [0], std: [0] }, lld: ok.normalisation.lld } })).toThrow(/std must be positive/);
    expect(bad({ normalisation: { lld: ok.normalisation.lld } })).toThrow(/normalisation.logmel/);
    expect(bad({ msir: undefined })).toThrow(/msir.modelFile/);
    expect(bad({ branches: ['cr', 'lld', 'w2v'] })).toThrow(/encoder/);
    expect(() => parseManifest('nope')).toThrow(/not a JSON object/);
  });

  it('loadPredictor fails clearly for a folder without manifest.json', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'msir-empty-'));
    dirs.push(dir);
    await expect(loadPredictor(dir)).rejects.toThrow(/manifest\.json/);
  });
});
