// The shipped linear baseline in real Chromium: the page decodes real clips, extracts features and runs
// loadPredictor('/models/baseline-linear/') (fetch path); probabilities match Node's (directory path).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioFile } from '../../src/audio/node.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import { loadPredictor } from '../../src/model/load.ts';
import { openPageSession, ROOT, type PageSession } from './harness.ts';

const MODEL = path.join(ROOT, 'public/models/baseline-linear');
const EMODB = path.resolve(ROOT, '../shared/corpora/emodb/audio');
const CLIPS = ['03a01Wa.flac', '08a01Na.flac', '15a01Wa.flac'];

let session: PageSession;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  // Any same-origin document will do: the test imports the project's modules from the dev server.
  session = await openPageSession('/models/baseline-linear/manifest.json');
  ({ page, pageErrors } = session);
});

afterAll(async () => {
  await session?.close();
});

describe('linear baseline in Chromium', () => {
  it('gives the same probabilities as Node for real clips', async () => {
    const node: number[][] = [];
    const predictor = await loadPredictor(MODEL);
    for (const name of CLIPS) {
      const f = new FeatureExtractor().extract(await readAudioFile(path.join(EMODB, name)));
      node.push(Array.from((await predictor.predict({ features: f })).probabilities));
    }
    const clips = CLIPS.map((name) => Array.from(readFileSync(path.join(EMODB, name))));
    // A string, not a function: vitest would rewrite import() inside a function body for Node.
    const script = `(async (byteLists) => {
      const { loadAudio } = await import('/src/audio/index.ts');
      const { FeatureExtractor } = await import('/src/features/extractor.ts');
      const { loadPredictor } = await import('/src/model/load.ts');
      const p = await loadPredictor('/models/baseline-linear/');
      const out = [];
      for (const bytes of byteLists) {
        const f = new FeatureExtractor().extract(await loadAudio(new Uint8Array(bytes)));
        out.push(Array.from((await p.predict({ features: f })).probabilities));
      }
      return { out, arch: p.manifest.arch };
    })(${JSON.stringify(clips)})`;
    const browserProbs = (await page.evaluate(script)) as { out: number[][]; arch: string };
    expect(pageErrors).toEqual([]);
    expect(browserProbs.arch).toBe('linear');
    let maxDiff = 0;
    browserProbs.out.forEach((row, i) => row.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - node[i][k])))));
    console.log(`linear baseline browser vs Node: max |Δp| = ${maxDiff.toExponential(2)} over ${CLIPS.length} clips`);
    expect(maxDiff).toBeLessThan(1e-3);
  });
});
