// arch 'ensemble': manifest validation, and loadPredictor on a folder of member model folders gives the
// weighted mean of the members' own predictions (in the ensemble's emotion order).
import * as tf from '@tensorflow/tfjs';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Features } from '../../src/features/types.ts';
import { initWeights } from '../../src/model/graph.ts';
import { MODEL_FILE, saveModelDir } from '../../src/model/io.ts';
import { loadPredictor } from '../../src/model/load.ts';
import { ManifestError, parseManifest, type ModelManifest } from '../../src/model/manifest.ts';
import { buildMsirModel } from '../../src/model/msir.ts';
import { makeConfig } from '../../src/model/presets.ts';
import type { Emotion } from '../../src/model/emotions.ts';

const cfg = makeConfig('tiny', ['cr', 'lld']);
const base = {
  formatVersion: 1 as const,
  branches: ['cr', 'lld'] as ModelManifest['branches'],
  inputs: { logmel: '2d' as const, lld: '3d' as const },
  features: { sampleRate: 16000 as const, frameStepSec: 0.01, logmelBands: 40, lldCount: 65 },
  thresholds: [0.5, 0.5, 0.5, 0.5],
  encoder: null,
  training: { corpora: [{ name: 'emodb', licence: 'research' }], seed: 1, commit: 'x', date: '2026-11-24' },
  metrics: {},
};
const norm = {
  logmel: { mean: Array(80).fill(-10), std: Array(80).fill(3) },
  lld: { mean: Array(195).fill(0), std: Array(195).fill(2) },
};

function memberManifest(name: string, emotions: Emotion[]): ModelManifest {
  return { ...base, name, arch: 'msir', normalisation: norm, emotions, msir: { modelFile: MODEL_FILE, config: cfg } };
}
function ensembleManifest(members: Array<{ folder: string; weight: number }>): ModelManifest {
  return { ...base, name: 'ens', arch: 'ensemble', normalisation: {}, emotions: ['happy', 'neutral', 'sad', 'angry'], ensemble: { members } };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'msir-ensemble-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function features(frames: number, seed: number): Features {
  const r = (n: number, s: number) => tf.tidy(() => tf.randomNormal([n], -10, 3, 'float32', s).dataSync() as Float32Array);
  return { logmel: r(frames * 80, seed), logmelFrames: frames, lld: r(frames * 195, seed + 1), lldFrames: frames, durationSec: frames / 100 };
}

beforeAll(async () => {
  // Member b lists its emotions in another order: the ensemble must reorder its outputs.
  const members: Array<[string, number, Emotion[]]> = [
    ['a', 3, ['happy', 'neutral', 'sad', 'angry']],
    ['b', 4, ['angry', 'sad', 'neutral', 'happy']],
  ];
  for (const [name, seed, emotions] of members) {
    const dir = path.join(tmp, 'ens', 'members', name);
    const m = buildMsirModel(cfg, seed);
    initWeights(m, seed);
    await saveModelDir(m, dir);
    m.dispose();
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(memberManifest(name, emotions)));
  }
  writeFileSync(path.join(tmp, 'ens', 'manifest.json'), JSON.stringify(ensembleManifest([{ folder: 'members/a', weight: 1 }, { folder: 'members/b', weight: 3 }])));
});

describe('ensemble manifest', () => {
  it('accepts members inside the folder and rejects anything else', () => {
    expect(parseManifest(ensembleManifest([{ folder: 'members/a', weight: 1 }])).arch).toBe('ensemble');
    const bad: Array<[unknown, RegExp]> = [
      [[], /ensemble\.members/],
      [[{ folder: '../x', weight: 1 }], /relative path inside/],
      [[{ folder: '/abs', weight: 1 }], /relative path inside/],
      [[{ folder: 'https://evil.example/m', weight: 1 }], /relative path inside/],
      [[{ folder: 'a', weight: 0 }], /weight must be a positive number/],
      [[{ weight: 1 }], /folder must be a non-empty string/],
    ];
    for (const [members, re] of bad) {
      const m = { ...ensembleManifest([]), ensemble: { members } };
      expect(() => parseManifest(m)).toThrow(ManifestError);
      expect(() => parseManifest(m)).toThrow(re);
    }
    expect(() => parseManifest({ ...ensembleManifest([]), ensemble: undefined })).toThrow(/ensemble\.members/);
  });
});

describe('ensemble predictor', () => {
  it('predicts the weighted mean of its members, in its own emotion order', async () => {
    const ens = await loadPredictor(path.join(tmp, 'ens'));
    const a = await loadPredictor(path.join(tmp, 'ens', 'members', 'a'));
    const b = await loadPredictor(path.join(tmp, 'ens', 'members', 'b'));
    const before = tf.memory().numTensors;
    for (const frames of [60, 157]) {
      const input = { features: features(frames, frames) };
      const [pe, pa, pb] = [await ens.predict(input), await a.predict(input), await b.predict(input)];
      const order = b.manifest.emotions;
      ens.manifest.emotions.forEach((e, k) => {
        const expected = (1 * pa.probabilities[k]! + 3 * pb.probabilities[order.indexOf(e)]!) / 4;
        expect(pe.probabilities[k]).toBeCloseTo(expected, 6);
      });
      // The members differ, so the mean is not just one of them.
      expect(Array.from(pa.probabilities)).not.toEqual(Array.from(pb.probabilities));
      expect(pe.attention.cr).toEqual(pa.attention.cr);
    }
    expect(tf.memory().numTensors).toBe(before);
    ens.dispose();
    a.dispose();
    b.dispose();
  });

  it('names the member that fails to load, and refuses nested ensembles', async () => {
    const dir = path.join(tmp, 'broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(ensembleManifest([{ folder: 'members/missing', weight: 1 }])));
    await expect(loadPredictor(dir)).rejects.toThrow(/ensemble member members\/missing: .*manifest\.json/);
    const nested = path.join(tmp, 'nested');
    mkdirSync(nested, { recursive: true });
    writeFileSync(path.join(nested, 'manifest.json'), JSON.stringify(ensembleManifest([{ folder: '../ens', weight: 1 }])));
    await expect(loadPredictor(nested)).rejects.toThrow(ManifestError);
    const inner = path.join(tmp, 'outer', 'members', 'inner');
    mkdirSync(inner, { recursive: true });
    writeFileSync(path.join(inner, 'manifest.json'), JSON.stringify(ensembleManifest([{ folder: 'x', weight: 1 }])));
    writeFileSync(path.join(tmp, 'outer', 'manifest.json'), JSON.stringify(ensembleManifest([{ folder: 'members/inner', weight: 1 }])));
    await expect(loadPredictor(path.join(tmp, 'outer'))).rejects.toThrow(/ensemble member members\/inner/);
    // Members may read only streams the ensemble's branches name (the detector prepares just those).
    const dirNarrow = path.join(tmp, 'narrow');
    mkdirSync(path.join(dirNarrow, 'members'), { recursive: true });
    cpSync(path.join(tmp, 'ens', 'members', 'a'), path.join(dirNarrow, 'members', 'a'), { recursive: true });
    writeFileSync(path.join(dirNarrow, 'manifest.json'), JSON.stringify({ ...ensembleManifest([{ folder: 'members/a', weight: 1 }]), branches: ['lld'] }));
    await expect(loadPredictor(dirNarrow)).rejects.toThrow(/members\/a's manifest reads cr, which the ensemble's manifest branches \(lld\) do not list/);
  });
});
