// The predictor's two ways of running the network — the training graph's inference path (JS LSTM
// recurrence, the default on CPU backends) and the exported tf.layers model — give the same
// probabilities and attention: for every branch mix, for lengths that are and are not multiples of the
// branches' pooling steps, for chunked long inputs, and for the shipped default's members.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initWeights } from '../../src/model/graph.ts';
import { buildMsirModel } from '../../src/model/msir.ts';
import { MODEL_FILE, loadModel } from '../../src/model/io.ts';
import { loadManifest } from '../../src/model/load.ts';
import type { Branch, ModelManifest } from '../../src/model/manifest.ts';
import { MsirPredictor, defaultRunner } from '../../src/model/msir-predictor.ts';
import { makeConfig, type MsirConfig } from '../../src/model/presets.ts';
import type { Features } from '../../src/features/types.ts';
import type { Prediction } from '../../src/model/predictor.ts';

function manifestFor(cfg: MsirConfig, maxFrames?: number): ModelManifest {
  return {
    formatVersion: 1,
    name: 'runner-test',
    arch: 'msir',
    branches: cfg.branches,
    inputs: { logmel: '2d', lld: '3d' },
    features: { sampleRate: 16000, frameStepSec: 0.01, logmelBands: 40, lldCount: 65, ...(maxFrames ? { maxFrames } : {}) },
    normalisation: {
      logmel: { mean: Array(80).fill(0), std: Array(80).fill(1) },
      lld: { mean: Array(195).fill(0), std: Array(195).fill(1) },
    },
    emotions: ['happy', 'neutral', 'sad', 'angry'],
    thresholds: [0.5, 0.5, 0.5, 0.5],
    encoder: null,
    training: { corpora: [], seed: 1, commit: 'x', date: '2026-12-07' },
    metrics: {},
    msir: { modelFile: MODEL_FILE, config: cfg },
  } as unknown as ModelManifest;
}

function features(frames: number, seed: number): Features {
  const r = (n: number, s: number) => tf.tidy(() => tf.randomNormal([n], 0, 1, 'float32', s).dataSync() as Float32Array);
  return { logmel: r(frames * 80, seed), logmelFrames: frames, lld: r(frames * 195, seed + 1), lldFrames: frames, durationSec: frames / 100 };
}

function expectSame(a: Prediction, b: Prediction, tol: number): void {
  const maxDiff = (x: Float32Array, y: Float32Array) => {
    expect(x.length).toBe(y.length);
    return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
  };
  expect(maxDiff(a.probabilities, b.probabilities)).toBeLessThan(tol);
  expect(Object.keys(a.attention).sort()).toEqual(Object.keys(b.attention).sort());
  for (const k of Object.keys(a.attention) as Branch[]) expect(maxDiff(a.attention[k]!, b.attention[k]!)).toBeLessThan(tol);
}

describe.each(['cpu', 'wasm'])('MsirPredictor runners agree (%s backend)', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
    await tf.ready();
  });

  it('picks the graph on CPU backends and the layers model on GPU backends', () => {
    expect(defaultRunner(tf.getBackend())).toBe('graph');
    expect(defaultRunner('webgpu')).toBe('layers');
  });

  const mixes: Branch[][] = [['lld'], ['cr'], ['cr', 'lld']];
  it.each(mixes)('branches %s: lengths on and off the pooling grid, and chunked', (...branches) => {
    return (async () => {
      const cfg = makeConfig('tiny', branches);
      const model = buildMsirModel(cfg, 3);
      initWeights(model, 3);
      for (const [frames, maxFrames] of [
        [64, undefined],
        [77, undefined], // not a multiple of any pooling step
        [250, 100], // three chunks
      ] as Array<[number, number | undefined]>) {
        const m = manifestFor(cfg, maxFrames);
        const input = { features: features(frames, frames) };
        const graph = await new MsirPredictor(m, model, 'graph').predict(input);
        const layers = await new MsirPredictor(m, model, 'layers').predict(input);
        expectSame(graph, layers, 2e-5);
        expect(graph.probabilities.every((p) => p > 0 && p < 1)).toBe(true);
      }
      model.dispose();
    })();
  });

  it('the shipped default: every msir member gives the same numbers both ways', async () => {
    const root = path.resolve('public/models/msir-default');
    const top = await loadManifest(root);
    const members = (top.ensemble?.members ?? []).map((m) => path.join(root, m.folder));
    let checked = 0;
    for (const dir of members) {
      const manifest = await loadManifest(dir);
      if (manifest.arch !== 'msir') continue;
      const model = await loadModel(dir, manifest.msir!.modelFile);
      const input = { features: features(451, 7) };
      expectSame(await new MsirPredictor(manifest, model, 'graph').predict(input), await new MsirPredictor(manifest, model, 'layers').predict(input), 2e-5);
      model.dispose();
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('the graph path leaves no tensors behind', async () => {
    const cfg = makeConfig('tiny', ['cr', 'lld']);
    const model = buildMsirModel(cfg, 4);
    initWeights(model, 4);
    const p = new MsirPredictor(manifestFor(cfg), model, 'graph');
    await p.predict({ features: features(90, 1) });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await p.predict({ features: features(90 + i, 2) });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
