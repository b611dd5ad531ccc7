// The shipped MSIR model (public/models/msir-default) in real Chromium: the page fetches it with plain
// tf.loadLayersModel through loadPredictor, extracts features from real clips and predicts; the numbers
// equal Node's (model folder read from disk), both on tfjs's cpu backend.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioFile } from '../../src/audio/node.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import { loadModel } from '../../src/model/io.ts';
import { loadPredictor } from '../../src/model/load.ts';
import { openPageSession, ROOT, type PageSession } from './harness.ts';

const MODEL = path.join(ROOT, 'public/models/msir-default');
// The default may be an ensemble: its first MSIR member is the layers model that plain loading checks.
const SHIPPED = JSON.parse(readFileSync(path.join(MODEL, 'manifest.json'), 'utf8')) as { arch: string; ensemble?: { members: Array<{ folder: string }> } };
const PLAIN = SHIPPED.arch === 'ensemble' ? `${SHIPPED.ensemble!.members[0]!.folder}/` : '';
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
    const node: number[][] = [];
    const nodeAtt: number[][] = [];
    for (const c of CLIPS) {
      const f = new FeatureExtractor().extract(await readAudioFile(path.join(CORPORA, c)));
      const r = await predictor.predict({ features: f });
      node.push(Array.from(r.probabilities));
      nodeAtt.push(Array.from(r.attention.cr!));
    }
    const m = await loadModel(path.join(MODEL, PLAIN));
    const nodePlain = (m.predict([tf.ones([1, 64, 40, 2]), tf.ones([1, 64, 195]).mul(0.5)]) as tf.Tensor[]).map((t) => Array.from(t.dataSync()));

    const bytes = CLIPS.map((c) => Array.from(readFileSync(path.join(CORPORA, c))));
    // A string, not a function: vitest would rewrite import() inside a function body for Node.
    const script = `(async (clips) => {
      const { runModel } = await import('/tests/e2e/model-load-page.ts');
      return runModel('/models/msir-default/', clips, '/models/msir-default/${PLAIN}');
    })(${JSON.stringify(bytes)})`;
    const web = (await page.evaluate(script)) as { probs: number[][]; attention: number[][]; plain: number[][]; backend: string; arch: string };
    expect(pageErrors).toEqual([]);
    expect(web.backend).toBe('cpu');
    expect(web.arch).toBe(SHIPPED.arch);
    web.probs.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(node[i]![k]!, 5)));
    web.attention.forEach((row, i) => {
      expect(row.length).toBe(nodeAtt[i]!.length);
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
    });
    web.plain.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(nodePlain[i]![k]!, 5)));
    // the angry EmoDB clips should come out angry-ish from a trained model, not uniform
    expect(node[0]![3]!).toBeGreaterThan(node[0]![1]!);
  });
});
