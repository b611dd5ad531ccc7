// The shipped baseline still reproduces its manifest's test numbers with today's feature code:
// `msir eval` on the shared 241-clip test split (a drift here means: retrain the baseline).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateModel } from '../../training/commands/eval.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const corpora = path.resolve(repoRoot, '../shared/corpora');
const model = path.join(repoRoot, 'public/models/baseline-linear');

interface Recorded {
  n: number;
  uar: number;
  f1: number;
}

describe('shipped linear baseline', () => {
  it('reproduces its recorded test metrics', async () => {
    const out = await evaluateModel({ model, corpora: [path.join(corpora, 'ravdess'), path.join(corpora, 'emodb')], split: 'test' });
    const { readFile } = await import('node:fs/promises');
    const manifest = JSON.parse(await readFile(path.join(model, 'manifest.json'), 'utf8')) as { metrics: { test: Recorded } };
    const rec = manifest.metrics.test;
    console.log(`baseline test: UAR ${out.summary.uar.toFixed(2)} F1 ${out.summary.f1.toFixed(2)} (manifest ${rec.uar.toFixed(2)} / ${rec.f1.toFixed(2)})`);
    expect(out.n).toBe(241);
    expect(out.failed).toEqual([]);
    // Small numerical changes in the extractor may move a clip or two; more than a point is drift.
    expect(Math.abs(out.summary.uar - rec.uar)).toBeLessThan(1);
    expect(Math.abs(out.summary.f1 - rec.f1)).toBeLessThan(1);
  }, 600_000);
});
