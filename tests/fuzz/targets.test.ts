// Every fuzz target at a small, seeded count (the recipe `npm run fuzz` runs 10,000 each): random
// signals through the extractor, the detector and the normalisations; mutated real WAV, FLAC, zip,
// label and manifest files through their readers. A target fails on anything but its documented
// errors, on a broken invariant (shape, finiteness, duration, nothing dropped) or on a slow case.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTarget, type TargetName } from '../../training/fuzz/index.ts';
import { corporaAvailable, soxAvailable } from '../../training/fuzz/seeds.ts';
import { formatReport, runTarget } from '../../training/fuzz/target.ts';

const SEED = 19;
/** Cases per target: about 30 s for the whole file on the 2-core CI machine. */
const COUNTS: Array<[TargetName, number]> = [
  ['features', 40],
  ['gain-invariance', 25],
  ['detector', 40],
  ['wav', 200],
  ['flac', 120],
  ['zip', 400],
  ['metadata-csv', 400],
  ['iemocap-labels', 400],
  ['folder', 400],
  ['manifest', 80],
];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.skipIf(!corporaAvailable() || !soxAvailable())('fuzz targets (small counts; npm run fuzz runs 10,000 each)', () => {
  it.each(COUNTS)('%s: %i cases, no failure', async (name, cases) => {
    // Signals up to 3 s here: the length-dependent paths (e.g. resampling beyond 21 s) are pinned by
    // their own regression tests, the recipe covers 0–30 s.
    const target = await buildTarget(name, { maxSec: 3 });
    try {
      const report = await runTarget(target, { cases, seed: SEED, timeLimitMs: 5000 });
      expect(report.cases).toBe(cases);
      expect(report.failures, formatReport(report)).toBe(0);
      // The mix must exercise both sides: accepted input and documented rejections (where both exist).
      if (name !== 'iemocap-labels') expect(Object.keys(report.expected).length, formatReport(report)).toBeGreaterThan(0);
    } finally {
      await target.dispose?.();
    }
  });
});
