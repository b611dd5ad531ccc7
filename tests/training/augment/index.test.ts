// --augment SPEC parsing, the per-copy plans (reproducible from seed, clip and copy; babble only from other
// speakers) and applyPlan on real speech: same seed → same samples, other seed → other samples, the clip's
// length, no NaN, and digital silence stays silence.
import { describe, expect, it } from 'vitest';
import {
  applyPlan, augmentKey, augmentSeed, DEFAULT_TRANSFORMS, describePlan, formatAugmentSpec, parseAugmentSpec, planAugment,
  TRANSFORMS, type AugmentPlan, type BabbleSource,
} from '../../../training/augment/index.ts';
import { readAudioFile } from '../../../src/audio/node.ts';
import { hasNaN, speech } from './signals.ts';

describe('parseAugmentSpec', () => {
  it('reads a copy count, transform names, groups, snr and seed; defaults to 1 copy of reverb, noise, telephone', () => {
    expect(parseAugmentSpec('2')).toEqual({ copies: 2, transforms: [...DEFAULT_TRANSFORMS], snrDb: [0, 20] });
    expect(parseAugmentSpec('telephone,reverb')).toEqual({ copies: 1, transforms: ['reverb', 'telephone'], snrDb: [0, 20] });
    expect(parseAugmentSpec('3,noise,snr=5-15,seed=9')).toEqual({ copies: 3, transforms: ['white', 'pink', 'babble'], snrDb: [5, 15], seed: 9 });
    expect(parseAugmentSpec('all').transforms).toEqual([...TRANSFORMS]);
    for (const s of ['2', '3,noise,snr=5-15,seed=9', 'gain,pitch', 'all,snr=0.5-7.25']) {
      const spec = parseAugmentSpec(s);
      expect(parseAugmentSpec(formatAugmentSpec(spec))).toEqual(spec);
    }
  });

  it('refuses what it cannot read, with the reason', () => {
    expect(() => parseAugmentSpec('0')).toThrow(/copy count must be 1–16/);
    expect(() => parseAugmentSpec('17')).toThrow(/copy count/);
    expect(() => parseAugmentSpec('2,3')).toThrow(/two copy counts/);
    expect(() => parseAugmentSpec('echo')).toThrow(/unknown item "echo"/);
    expect(() => parseAugmentSpec('snr=20-5')).toThrow(/snr must be LO-HI/);
    expect(() => parseAugmentSpec('snr=-5-10')).toThrow(/snr must be LO-HI/);
    expect(() => parseAugmentSpec('seed=x')).toThrow(/seed must be a non-negative integer/);
  });

  it('keys the cache by what decides a copy (transforms, SNR), not by the copy count', () => {
    expect(augmentKey(parseAugmentSpec('2'))).toBe(augmentKey(parseAugmentSpec('3')));
    expect(augmentKey(parseAugmentSpec('2'))).not.toBe(augmentKey(parseAugmentSpec('2,reverb')));
    expect(augmentKey(parseAugmentSpec('2'))).not.toBe(augmentKey(parseAugmentSpec('2,snr=5-20')));
  });
});

const pool: BabbleSource[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].flatMap((sp) => [1, 2, 3].map((i) => ({ path: `/x/${sp}${i}.flac`, speaker: sp })));

describe('planAugment', () => {
  const spec = parseAugmentSpec('all');
  it('is a function of (seed, clip, copy) only, and varies with each', () => {
    const p = planAugment(spec, 1, { id: 'c1', speaker: 'a' }, 0, pool);
    expect(planAugment(spec, 1, { id: 'c1', speaker: 'a' }, 0, [...pool].reverse())).toEqual(p);
    const plans = (f: (i: number) => AugmentPlan): Set<string> => new Set(Array.from({ length: 20 }, (_, i) => JSON.stringify(f(i))));
    expect(plans((i) => planAugment(spec, i, { id: 'c1', speaker: 'a' }, 0, pool)).size).toBeGreaterThan(15);
    expect(plans((i) => planAugment(spec, 1, { id: `c${i}`, speaker: 'a' }, 0, pool)).size).toBeGreaterThan(15);
    expect(plans((i) => planAugment(spec, 1, { id: 'c1', speaker: 'a' }, i, pool)).size).toBeGreaterThan(15);
    expect(augmentSeed(1, 'c1', 0)).not.toBe(augmentSeed(1, 'c1', 1));
    expect(augmentSeed(1, 'c1', 0)).not.toBe(augmentSeed(2, 'c1', 0));
  });

  it('draws every enabled family, parameters within their ranges, babble from distinct other speakers', () => {
    const kinds = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const plan = planAugment(spec, 3, { id: `clip${i}`, speaker: 'a' }, 0, pool);
      expect(plan.steps.length).toBeGreaterThan(0);
      expect(describePlan(plan)).not.toBe('none');
      for (const s of plan.steps) {
        const k = s.kind === 'noise' ? s.colour : s.kind;
        kinds.set(k, (kinds.get(k) ?? 0) + 1);
        if (s.kind === 'noise' || s.kind === 'babble') expect(Math.abs(s.snrDb - 10)).toBeLessThanOrEqual(10);
        if (s.kind === 'reverb') expect(Math.abs(s.rt60 - 0.55)).toBeLessThanOrEqual(0.35 + 1e-9);
        if (s.kind === 'gain') expect(Math.abs(s.db)).toBeLessThanOrEqual(10);
        if (s.kind === 'pitch') expect(Math.abs(s.semitones)).toBeLessThanOrEqual(2);
        if (s.kind === 'babble') {
          const speakers = s.sources.map((p) => pool.find((q) => q.path === p)!.speaker);
          expect(speakers).not.toContain('a');
          expect(new Set(speakers).size).toBe(speakers.length);
          expect(speakers.length).toBeGreaterThanOrEqual(3);
          expect(speakers.length).toBeLessThanOrEqual(6);
        }
      }
      // Chain order: room before background noise before the channel before the level.
      const order = plan.steps.map((s) => ['pitch', 'reverb', 'noise', 'babble', 'telephone', 'gain'].indexOf(s.kind));
      expect(order).toEqual([...order].sort((p, q) => p - q));
    }
    for (const k of TRANSFORMS) expect(kinds.get(k) ?? 0).toBeGreaterThan(20);
  });

  it('uses only the named transforms; babble without another speaker falls back to white/pink or nothing', () => {
    for (let i = 0; i < 50; i++) {
      const plan = planAugment(parseAugmentSpec('reverb,gain'), 1, { id: `k${i}`, speaker: 'a' }, 0, pool);
      expect(plan.steps.every((s) => s.kind === 'reverb' || s.kind === 'gain')).toBe(true);
      const alone = pool.filter((p) => p.speaker === 'a');
      expect(planAugment(parseAugmentSpec('noise'), 1, { id: `k${i}`, speaker: 'a' }, 0, alone).steps.every((s) => s.kind === 'noise')).toBe(true);
      expect(planAugment(parseAugmentSpec('babble'), 1, { id: `k${i}`, speaker: 'a' }, 0, alone).steps).toEqual([]);
    }
  });
});

describe('applyPlan', () => {
  const loadReal = (p: string): Promise<Float32Array> => readAudioFile(p);
  const emodb = (f: string): BabbleSource => ({ path: `${import.meta.dirname}/../../../../shared/corpora/emodb/audio/${f}`, speaker: f.slice(0, 2) });
  const realPool = ['10a01Wa.flac', '11a01Wc.flac', '12a01Fb.flac', '08a01Fd.flac', '09a01Fa.flac'].map(emodb);

  it('is reproducible by seed, differs between seeds, keeps the length and makes no NaN, for every transform', async () => {
    const x = await speech('emodb', '03a01Wa.flac');
    for (const t of ['reverb', 'white', 'pink', 'babble', 'telephone', 'gain', 'pitch']) {
      const spec = parseAugmentSpec(t);
      const plan = (seed: number): AugmentPlan => planAugment(spec, seed, { id: 'emodb:03a01Wa', speaker: '03' }, 0, realPool);
      const a = await applyPlan(x, plan(1), loadReal);
      const b = await applyPlan(x, plan(1), loadReal);
      // Telephone's only draw is μ-law on or off: some of a few seeds differ; every other transform draws
      // continuous parameters, so seed 2 differs from seed 1.
      const others = await Promise.all((t === 'telephone' ? [2, 3, 4, 5] : [2]).map((seed) => applyPlan(x, plan(seed), loadReal)));
      expect(plan(1).steps[0]!.kind).toBe(t === 'white' || t === 'pink' ? 'noise' : t);
      expect(a.length).toBe(x.length);
      expect(hasNaN(a)).toBe(false);
      expect(b).toEqual(a);
      expect(others.some((c) => c.some((v, i) => v !== a[i]))).toBe(true);
      expect(a).not.toEqual(x);
    }
  });

  it('keeps digital silence silent, whatever the chain (noise has no speech level to follow)', async () => {
    const silent = new Float32Array(16000);
    const spec = parseAugmentSpec('all');
    for (let i = 0; i < 12; i++) {
      const plan = planAugment(spec, i, { id: 'silence', speaker: 'zz' }, 0, realPool);
      const y = await applyPlan(silent, plan, loadReal);
      expect(y.length).toBe(silent.length);
      expect(y.every((v) => v === 0)).toBe(true);
    }
  });
});
