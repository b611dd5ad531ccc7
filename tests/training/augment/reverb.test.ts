// Reverberation: a generated impulse response decays at the RT60 asked for (measured independently by
// Schroeder backward integration and a T20/T30 line fit), FFT convolution is a true linear convolution,
// and a reverberated clip keeps its length and active speech level.
import { describe, expect, it } from 'vitest';
import { activeLevelDb } from '../../../src/audio/normalise-level.ts';
import { MAX_RT60, MIN_RT60, reverberate, roomImpulseResponse } from '../../../training/augment/reverb.ts';
import { fftConvolve } from '../../../training/augment/spectrum.ts';
import { Rng } from '../../../training/train/rng.ts';
import { hasNaN, speech } from './signals.ts';

/**
 * RT60 of an impulse response: Schroeder's energy decay curve EDC(t) = Σ_{τ≥t} h²(τ) in dB, a least-squares
 * line through its points between −5 dB and −5−range dB (range 20: T20, 30: T30), extrapolated to −60 dB.
 */
function schroederRt60(h: Float32Array, range: 20 | 30, rate = 16000): number {
  const edc = new Float64Array(h.length);
  let acc = 0;
  for (let i = h.length - 1; i >= 0; i--) edc[i] = acc += h[i]! * h[i]!;
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < h.length; i++) {
    const d = 10 * Math.log10(edc[i]! / edc[0]!);
    if (d > -5 || d < -5 - range) continue;
    const t = i / rate;
    n++;
    sx += t;
    sy += d;
    sxx += t * t;
    sxy += t * d;
  }
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx); // dB per second
  return -60 / slope;
}

describe('roomImpulseResponse', () => {
  it('decays at the requested RT60 within 10 % (T20 and T30), with and without a direct path', () => {
    let worst = 0;
    for (const rt60 of [MIN_RT60, 0.3, 0.45, 0.6, 0.75, MAX_RT60]) {
      for (const seed of [1, 2, 3]) {
        for (const drrDb of [undefined, -3, 3, 9]) {
          const h = roomImpulseResponse({ rt60, ...(drrDb !== undefined ? { drrDb } : {}) }, new Rng(seed));
          expect(h.length).toBe(Math.ceil(1.2 * rt60 * 16000));
          for (const range of [20, 30] as const) worst = Math.max(worst, Math.abs(schroederRt60(h, range) / rt60 - 1));
        }
      }
    }
    expect(worst).toBeLessThan(0.1);
  });

  it('has the requested direct-to-reverberant ratio, and is reproducible by seed', () => {
    for (const drrDb of [-3, 0, 9]) {
      const h = roomImpulseResponse({ rt60: 0.5, drrDb }, new Rng(5));
      let rev = 0;
      for (let i = 1; i < h.length; i++) rev += h[i]! * h[i]!;
      expect(10 * Math.log10((h[0]! * h[0]!) / rev)).toBeCloseTo(drrDb, 3);
    }
    expect(roomImpulseResponse({ rt60: 0.5 }, new Rng(5))).toEqual(roomImpulseResponse({ rt60: 0.5 }, new Rng(5)));
    expect(roomImpulseResponse({ rt60: 0.5 }, new Rng(5))).not.toEqual(roomImpulseResponse({ rt60: 0.5 }, new Rng(6)));
    expect(() => roomImpulseResponse({ rt60: 0 }, new Rng(1))).toThrow(/RT60/);
  });
});

describe('fftConvolve', () => {
  it('equals the direct linear convolution (first n samples)', () => {
    const r = new Rng(1);
    const x = Float32Array.from({ length: 300 }, () => r.normal());
    const h = Float32Array.from({ length: 77 }, () => r.normal());
    const y = fftConvolve(x, h);
    expect(y.length).toBe(300);
    for (let i = 0; i < 300; i++) {
      let s = 0;
      for (let j = 0; j <= Math.min(i, 76); j++) s += x[i - j]! * h[j]!;
      expect(y[i]).toBeCloseTo(s, 4);
    }
    expect(fftConvolve(x, h, 376).length).toBe(376);
  });
});

describe('reverberate', () => {
  it('keeps the length and active speech level of real speech and smears it in time', async () => {
    const x = await speech('emodb', '03a01Wa.flac');
    const y = reverberate(x, roomImpulseResponse({ rt60: 0.8, drrDb: 0 }, new Rng(2)));
    expect(y.length).toBe(x.length);
    expect(hasNaN(y)).toBe(false);
    expect(activeLevelDb(y)!).toBeCloseTo(activeLevelDb(x)!, 3);
    // The reverberant tail fills the pauses: the quietest 20 ms frames rise towards the loud ones.
    const frames = (a: Float32Array): number[] => Array.from({ length: Math.floor(a.length / 320) }, (_, f) => a.subarray(f * 320, f * 320 + 320).reduce((s, v) => s + v * v, 0)).sort((p, q) => p - q);
    const spread = (a: Float32Array): number => { const f = frames(a); return 10 * Math.log10(f[f.length - 1]! / Math.max(f[Math.floor(f.length * 0.2)]!, 1e-20)); };
    expect(spread(y)).toBeLessThan(spread(x) - 5);
  });

  it('leaves digital silence silent, without NaN', () => {
    const y = reverberate(new Float32Array(8000), roomImpulseResponse({ rt60: 0.5, drrDb: 3 }, new Rng(1)));
    expect(y.length).toBe(8000);
    expect(y.every((v) => v === 0)).toBe(true);
    expect(reverberate(new Float32Array(0), roomImpulseResponse({ rt60: 0.5 }, new Rng(1))).length).toBe(0);
  });
});
