// The group A/B building blocks on inputs with known answers (FEATURES-SPEC §5.2–5.8).
import { describe, expect, it } from 'vitest';
import { equalLoudnessWeight, Loudness } from '../../../src/features/lld/audspec.ts';
import { rmsEnergy, zeroCrossingRate, zeroCrossingRates } from '../../../src/features/lld/energy.ts';
import { MEL_BANDS, MelFilterbank } from '../../../src/features/lld/melspec.ts';
import { Mfcc } from '../../../src/features/lld/mfcc.ts';
import { barkTraunmueller, SpectralFeatures } from '../../../src/features/lld/spectral.ts';

const SPEC_CENTRES_HZ = [
  89.61, 165.95, 249.68, 341.49, 442.19, 552.62, 673.72, 806.54, 952.2, 1111.93, 1287.12, 1479.24, 1689.93, 1921.0,
  2174.4, 2452.31, 2757.08, 3091.32, 3457.87, 3859.87, 4300.73, 4784.21, 5314.44, 5895.93, 6533.65, 7233.01,
];

describe('energy and zero-crossing rate', () => {
  it('RMS of a constant and of ±a is |a|', () => {
    expect(rmsEnergy(new Float32Array(320).fill(0.5), 0, 320)).toBeCloseTo(0.5, 7);
    expect(rmsEnergy(Float32Array.from({ length: 320 }, (_, i) => (i % 2 ? 0.25 : -0.25)), 0, 320)).toBeCloseTo(0.25, 7);
  });

  it('ZCR is per sample: (N−2)/N on silence, (N−2)/N on an alternating signal, 0 on a constant', () => {
    expect(zeroCrossingRate(new Float32Array(960), 0, 960)).toBe(958 / 960);
    expect(zeroCrossingRate(Float32Array.from({ length: 960 }, (_, i) => (i % 2 ? 1 : -1)), 0, 960)).toBe(958 / 960);
    expect(zeroCrossingRate(new Float32Array(960).fill(0.1), 0, 960)).toBe(0);
  });
});

describe('mel filterbank', () => {
  const fb = new MelFilterbank(512, 16000);
  it('has the 26 band centres the spec lists', () => {
    expect(fb.centresHz.length).toBe(MEL_BANDS);
    fb.centresHz.forEach((f, b) => expect(Math.abs(f - SPEC_CENTRES_HZ[b]!)).toBeLessThan(0.006));
  });

  it('uses bins 2…255 only, with triangle weights summing to 1 per bin', () => {
    const out = new Float64Array(MEL_BANDS);
    const p = new Float64Array(257);
    p[0] = p[1] = p[256] = 1e6; // excluded bins
    expect(Array.from(fb.apply(p, out)).every((v) => v === 0)).toBe(true);
    p.fill(0);
    p[100] = 1;
    const sum = fb.apply(p, out).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 12);
  });
});

describe('loudness and MFCC', () => {
  it('loudness of silence is the mean of (9.3e-10·eql)^0.33 (openSMILE prints 1.033966e-03)', () => {
    const fb = new MelFilterbank();
    expect(new Loudness(fb.centresHz).compute(new Float64Array(MEL_BANDS))).toBeCloseTo(1.033966e-3, 9);
    expect(equalLoudnessWeight(1000)).toBeGreaterThan(equalLoudnessWeight(100));
  });

  it('MFCCs of a flat log spectrum are 0 (the DCT of a constant has no c1…c14)', () => {
    const out = new Float64Array(14);
    new Mfcc().compute(new Float64Array(MEL_BANDS).fill(1e6), out);
    for (const c of out) expect(Math.abs(c)).toBeLessThan(1e-9);
  });
});

describe('spectral features', () => {
  const names = ['fb250', 'fb1000', 'ro25', 'ro50', 'ro75', 'ro90', 'flux', 'centroid', 'entropy', 'var', 'skew', 'kurt', 'slope', 'sharp', 'harm'];
  const run = (power: Float64Array, sf = new SpectralFeatures()): Record<string, number> => {
    const out = new Float64Array(15);
    sf.compute(power.map(Math.sqrt), power, out);
    return Object.fromEntries(names.map((n, i) => [n, out[i]!]));
  };

  it('a single bin: centroid and all roll-offs at that bin, zero spread, entropy of one peak', () => {
    const p = new Float64Array(257);
    p[64] = 4;
    const r = run(p);
    expect(r.centroid).toBe(2000);
    expect([r.ro25, r.ro50, r.ro75, r.ro90]).toEqual([2000, 2000, 2000, 2000]);
    expect([r.var, r.skew, r.kurt]).toEqual([0, 0, 0]);
    expect(r.flux).toBe(0); // first frame
    expect(r.fb1000).toBe(4 / 256);
    expect(r.fb250).toBe(0);
  });

  it('a flat spectrum: entropy log2(256) = 8 bits, slope 0, roll-offs at k = r·256', () => {
    const r = run(new Float64Array(257).fill(1));
    expect(r.entropy).toBeCloseTo(8, 10);
    expect(Math.abs(r.slope)).toBeLessThan(1e-12);
    expect([r.ro25, r.ro50, r.ro75, r.ro90]).toEqual([64, 128, 192, 231].map((k) => k * 31.25));
    expect(r.fb250).toBeCloseTo((1 + 11 + 0.8) / 256, 12);
    expect(r.harm).toBe(0); // no strict extrema
  });

  it('silence: roll-offs at the first bin, entropy at openSMILE’s float32 floor artefact', () => {
    const r = run(new Float64Array(257));
    expect([r.ro25, r.ro50, r.ro75, r.ro90]).toEqual([31.25, 31.25, 31.25, 31.25]);
    expect(r.entropy).toBeCloseTo(4.316025e-6, 11);
    expect(r.centroid).toBe(0);
  });

  it('slope is the least-squares slope × 255 (oldSlopeScale); flux compares magnitudes of consecutive frames', () => {
    const p = Float64Array.from({ length: 257 }, (_, k) => k * 31.25 * 2);
    const sf = new SpectralFeatures();
    expect(run(p, sf).slope).toBeCloseTo(2 * 255, 8);
    const q = new Float64Array(257).fill(0);
    const flux = run(q, sf).flux;
    let want = 0;
    for (let k = 1; k <= 256; k++) want += p[k]!;
    expect(flux).toBeCloseTo(Math.sqrt(want / 256), 8);
  });

  it('Bark scale with the low/high corrections', () => {
    expect(barkTraunmueller(1000)).toBeCloseTo(26.81 / (1 + 1.96) - 0.53, 12);
    expect(barkTraunmueller(50)).toBeCloseTo(0.85 * (26.81 / (1 + 39.2) - 0.53) + 0.3, 12);
  });
});

describe('zeroCrossingRates (prefix-count version used by extractLld)', () => {
  it('equals the per-frame definition on a signal with exact zeros, sign changes and runs', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const x = Float32Array.from({ length: 960 + 160 * 40 + 77 }, () => {
      const u = rand();
      return u < 0.2 ? 0 : u < 0.6 ? -Math.round(rand() * 3) : Math.round(rand() * 3);
    });
    const frames = Math.floor((x.length - 960) / 160) + 1;
    const all = zeroCrossingRates(x, frames, 960, 160);
    for (let r = 0; r < frames; r++) expect(all[r]).toBe(Math.fround(zeroCrossingRate(x, r * 160, 960)));
  });
});
