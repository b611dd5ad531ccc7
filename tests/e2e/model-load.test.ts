// The shipped MSIR model (public/models/msir-default) in real Chromium: the page fetches it with plain
// tf.loadLayersModel through loadPredictor, extracts features from real clips and predicts; the numbers
// equal Node's (model folder read from disk), both on tfjs's cpu backend. Inputs, branches and attention
// curves come from the manifests (the default may have no log-Mel 'cr' branch), and clips go through the
// model's input pipeline: level normalisation and, if the model has it, speaker normalisation (the prior
// alone: these clips are of different speakers).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioFile } from '../../src/audio/node.ts';
import { audioForModel } from '../../src/audio/normalise-level.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import { normaliseGlobal } from '../../src/features/speaker-norm.ts';
import { loadModel } from '../../src/model/io.ts';
import { loadPredictor } from '../../src/model/load.ts';
import type { ModelManifest } from '../../src/model/manifest.ts';
import { LOGMEL_BANDS, lldDims, logmelChannels, minInputFrames } from '../../src/model/presets.ts';
import { openPageSession, ROOT, type PageSession } from './harness.ts';
import type { PlainInput } from './model-load-page.ts';

const MODEL = path.join(ROOT, 'public/models/msir-default');
const readManifest = (dir: string): ModelManifest => JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
const SHIPPED = readManifest(MODEL);
// The default may be an ensemble: its first MSIR member is the layers model that plain loading checks.
const PLAIN = SHIPPED.arch === 'ensemble' ? `${SHIPPED.ensemble!.members.map((m) => m.folder).find((f) => readManifest(path.join(MODEL, f)).arch === 'msir')!}/` : '';
const PLAIN_MANIFEST = readManifest(path.join(MODEL, PLAIN));
/** Constant inputs in the layers model's input order, shaped as its config says (64 frames, or the minimum). */
const PLAIN_INPUTS: PlainInput[] = (() => {
  const cfg = PLAIN_MANIFEST.msir!.config;
  const min = minInputFrames(cfg);
  return cfg.branches.map((b): PlainInput => {
    if (b === 'cr') return { shape: [1, Math.max(64, min.logmel), LOGMEL_BANDS, logmelChannels(cfg.inputs.logmel)], value: 1 };
    if (b === 'lld') return { shape: [1, Math.max(64, min.lld), lldDims(cfg.inputs.lld)], value: 0.5 };
    return { shape: [1, Math.max(32, min.w2v), cfg.inputs.w2vHidden], value: 0.25 };
  });
})();
const CORPORA = path.resolve(ROOT, '../shared/corpora');
const CLIPS = ['emodb/audio/03a01Wa.flac', 'emodb/audio/15a01Wa.flac', 'ravdess/audio/Actor_19/03-01-05-01-01-01-19.flac'];

let session: PageSession;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  // Any same-origin document will do: the test imports the project's modules from the dev server.
  session = await openPageSession('/models/msir-default/manifest.json');
  ({ page, pageErrors } = session);
});

afterAll(async () => {
  await session?.close();
});

describe('shipped MSIR model in Chromium', () => {
  it('loads with plain tf.loadLayersModel and predicts as in Node', async () => {
    await tf.setBackend('cpu');
    const predictor = await loadPredictor(MODEL);
    expect(predictor.manifest.arch).toBe(SHIPPED.arch);
    expect(['msir', 'ensemble']).toContain(SHIPPED.arch);
    expect(PLAIN_MANIFEST.arch).toBe('msir');
    const { levelDb } = predictor.manifest.features;
    const spec = predictor.manifest.speakerNormalisation;
    // Attention over time: one curve per branch of the model (w2v excepted: no encoder here).
    const branches = predictor.manifest.branches.filter((b) => b !== 'w2v');
    expect(branches.length).toBeGreaterThan(0);
    const node: number[][] = [];
    const nodeAtt: Record<string, number[]>[] = [];
    for (const c of CLIPS) {
      const raw = new FeatureExtractor().extract(audioForModel(await readAudioFile(path.join(CORPORA, c)), levelDb));
      const r = await predictor.predict({ features: spec ? normaliseGlobal(spec, raw) : raw });
      node.push(Array.from(r.probabilities));
      nodeAtt.push(Object.fromEntries(Object.entries(r.attention).map(([b, a]) => [b, Array.from(a)])));
    }
    predictor.dispose();
    const m = await loadModel(path.join(MODEL, PLAIN));
    const nodePlain = (m.predict(PLAIN_INPUTS.map((i) => tf.fill(i.shape, i.value))) as tf.Tensor[]).map((t) => Array.from(t.dataSync()));
    m.dispose();
    // Probabilities, then one attention curve per branch of the plain model.
    expect(nodePlain).toHaveLength(1 + PLAIN_INPUTS.length);

    const bytes = CLIPS.map((c) => Array.from(readFileSync(path.join(CORPORA, c))));
    // A string, not a function: vitest would rewrite import() inside a function body for Node.
    const script = `(async (clips, inputs) => {
      const { runModel } = await import('/tests/e2e/model-load-page.ts');
      return runModel('/models/msir-default/', clips, '/models/msir-default/${PLAIN}', inputs);
    })(${JSON.stringify(bytes)}, ${JSON.stringify(PLAIN_INPUTS)})`;
    const web = (await page.evaluate(script)) as { probs: number[][]; attention: Record<string, number[]>[]; plain: number[][]; backend: string; arch: string };
    expect(pageErrors).toEqual([]);
    expect(web.backend).toBe('cpu');
    expect(web.arch).toBe(SHIPPED.arch);
    web.probs.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(node[i]![k]!, 5)));
    web.attention.forEach((att, i) => {
      expect(Object.keys(att).sort()).toEqual([...branches].sort());
      expect(Object.keys(nodeAtt[i]!).sort()).toEqual([...branches].sort());
      for (const b of branches) {
        expect(att[b]!.length).toBe(nodeAtt[i]![b]!.length);
        expect(att[b]!.length).toBeGreaterThan(1);
        expect(att[b]!.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
      }
    });
    expect(web.plain).toHaveLength(nodePlain.length);
    web.plain.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(nodePlain[i]![k]!, 5)));
    // the angry EmoDB clips should come out angry-ish from a trained model, not uniform
    expect(node[0]![3]!).toBeGreaterThan(node[0]![1]!);
  });
});
