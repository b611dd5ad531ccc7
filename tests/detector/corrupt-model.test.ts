// Regressions from the manifest fuzz target (issue #19): finite but absurd numbers in a manifest (a
// statistic of 1e308, a frame step of 1e-300) loaded without complaint and then gave NaN probabilities
// (shown as "not detected") or a RangeError at the first detection. They are refused at load now, and
// a model that still yields a non-finite probability is reported, never passed on as NaN.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioFile } from '../../src/audio/node.ts';
import { DetectionEngine } from '../../src/detector/engine.ts';
import { DetectorError } from '../../src/detector/errors.ts';
import { ManifestError, parseManifest } from '../../src/model/manifest.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MEMBER = path.join(ROOT, 'public/models/msir-default/members/functionals-linear');
const CLIP = path.resolve(ROOT, '../shared/corpora/ravdess/audio/Actor_21/03-01-05-02-01-01-21.flac');
type Stats = { mean: number[]; std: number[] };
type Manifest = { speakerNormalisation: { prior: { lld: Stats; logmel: Stats } }; normalisation: { functionals: Stats }; features: { frameStepSec: number } };
const base = (): Manifest => JSON.parse(readFileSync(path.join(MEMBER, 'manifest.json'), 'utf8')) as Manifest;

function manifests(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? manifests(p) : f === 'manifest.json' ? [p] : [];
  });
}

describe('manifest ranges', () => {
  it('accepts every shipped manifest', () => {
    const all = manifests(path.join(ROOT, 'public/models'));
    expect(all.length).toBeGreaterThan(3);
    for (const p of all) expect(() => parseManifest(JSON.parse(readFileSync(p, 'utf8')))).not.toThrow();
  });

  it.each<[string, (m: Manifest) => void, RegExp]>([
    ['a prior mean of 1e308', (m) => void (m.speakerNormalisation.prior.lld.mean[2] = 1e308), /prior\.lld: mean\[2\]/],
    ['a prior std of 1e-300', (m) => void (m.speakerNormalisation.prior.logmel.std[0] = 1e-300), /prior\.logmel: std\[0\]/],
    ['a functionals mean of -1e300', (m) => void (m.normalisation.functionals.mean[7] = -1e300), /normalisation\.functionals: mean\[7\]/],
    ['a functionals std of 5e-324', (m) => void (m.normalisation.functionals.std[3] = 5e-324), /normalisation\.functionals: std\[3\]/],
    ['a frame step of 1e-300 s', (m) => void (m.features.frameStepSec = 1e-300), /frameStepSec must be 0\.01/],
  ])('refuses %s, naming the field', (_, edit, message) => {
    const m = base();
    edit(m);
    expect(() => parseManifest(m)).toThrow(ManifestError);
    expect(() => parseManifest(m)).toThrow(message);
  });
});

describe('a model that yields a non-finite probability', () => {
  let dir: string;
  let clip: Float32Array;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'msir-corrupt-'));
    copyFileSync(path.join(MEMBER, 'manifest.json'), path.join(dir, 'manifest.json'));
    const weights = JSON.parse(readFileSync(path.join(MEMBER, 'linear.json'), 'utf8')) as { weights: number[][] };
    // Finite weights whose products overflow to +∞ and −∞ in one sum: NaN for the first emotion.
    weights.weights[0] = weights.weights[0]!.map((_, i) => (i % 2 ? 1e308 : -1e308));
    writeFileSync(path.join(dir, 'linear.json'), JSON.stringify(weights));
    clip = (await readAudioFile(CLIP)).slice(0, 32000);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is reported as a corrupt model instead of a NaN probability', async () => {
    const engine = await DetectionEngine.create({ model: dir });
    try {
      const err = await engine.run(clip, 0, 2).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DetectorError);
      expect((err as DetectorError).code).toBe('model-load-failed');
      expect((err as DetectorError).message).toMatch(/probability of happy/);
    } finally {
      await engine.dispose();
    }
  });
});
