// Additive noise: the SNR a clip gets is the SNR asked for (active speech level of the clean clip minus
// the mean power of what was added, the definition in noise.ts), pink noise falls 3 dB per octave, babble
// is other people talking, and silence stays silence instead of turning into NaN or invented noise.
import { describe, expect, it } from 'vitest';
import { activeLevelDb } from '../../../src/audio/normalise-level.ts';
import { babbleNoise, mixAtSnr, pinkNoise, powerDb, whiteNoise } from '../../../training/augment/noise.ts';
import { Rng } from '../../../training/train/rng.ts';
import { db, hasNaN, speech, welch } from './signals.ts';

/** SNR as the module defines it, measured on the output: clean active level − power of (y − x). */
function achievedSnr(x: Float32Array, y: Float32Array): number {
  const added = y.map((v, i) => v - x[i]!);
  return activeLevelDb(x)! - powerDb(added);
}

/** Least-squares slope of the PSD in dB per octave over [lo, hi] Hz. */
function slopePerOctave(psd: Float64Array, lo: number, hi: number, rate = 16000): number {
  const size = (psd.length - 1) * 2;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 1; k < psd.length; k++) {
    const hz = (k * rate) / size;
    if (hz < lo || hz > hi) continue;
    xs.push(Math.log2(hz));
    ys.push(db(psd[k]!));
  }
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

describe('mixAtSnr', () => {
  it('gives white, pink and babble noise the requested SNR within 0.5 dB on real speech', async () => {
    const x = await speech('emodb', '03a01Wa.flac');
    const others = await Promise.all(['10a01Wa.flac', '11a01Wc.flac', '12a01Fb.flac', '08a01Fd.flac'].map((f) => speech('emodb', f)));
    const errors: number[] = [];
    for (const snr of [0, 5, 10, 20]) {
      for (const seed of [1, 2]) {
        const noises = [whiteNoise(x.length, new Rng(seed)), pinkNoise(x.length, new Rng(seed)), babbleNoise(others, x.length, new Rng(seed))!];
        for (const n of noises) {
          const y = mixAtSnr(x, n, snr);
          expect(y.length).toBe(x.length);
          expect(hasNaN(y)).toBe(false);
          errors.push(Math.abs(achievedSnr(x, y) - snr));
        }
      }
    }
    expect(Math.max(...errors)).toBeLessThan(0.5);
    // The scale is exact up to float32 rounding of the mixed samples: measured max |error| 1.5e-8 dB.
    expect(Math.max(...errors)).toBeLessThan(0.01);
  });

  it('leaves a clip without speech unchanged (no level to set an SNR against) and never makes NaN', () => {
    const silent = new Float32Array(16000);
    const y = mixAtSnr(silent, whiteNoise(16000, new Rng(1)), 10);
    expect(hasNaN(y)).toBe(false);
    expect(y.every((v) => v === 0)).toBe(true);
    // Below the −70 dBFS silence floor counts as no speech too; silent noise adds nothing.
    const hum = Float32Array.from({ length: 16000 }, (_, i) => 1e-5 * Math.sin(i / 7));
    expect(mixAtSnr(hum, whiteNoise(16000, new Rng(1)), 0)).toBe(hum);
    const tone = Float32Array.from({ length: 16000 }, (_, i) => 0.1 * Math.sin(i / 7));
    expect(mixAtSnr(tone, new Float32Array(16000), 0)).toBe(tone);
    expect(mixAtSnr(new Float32Array(0), new Float32Array(0), 5).length).toBe(0);
    expect(() => mixAtSnr(tone, new Float32Array(10), 5)).toThrow(/shorter than the clip/);
    expect(() => mixAtSnr(tone, tone, Number.NaN)).toThrow(/finite/);
  });
});

describe('noise generators', () => {
  it('pink noise falls 3 dB per octave (white is flat)', () => {
    const n = 16000 * 20;
    const pink = slopePerOctave(welch(pinkNoise(n, new Rng(3)), 4096), 50, 7000);
    const white = slopePerOctave(welch(whiteNoise(n, new Rng(3)), 4096), 50, 7000);
    expect(Math.abs(pink - -3.01)).toBeLessThan(0.2);
    expect(Math.abs(white)).toBeLessThan(0.2);
  });

  it('is reproducible by seed and differs between seeds', () => {
    for (const gen of [whiteNoise, pinkNoise]) {
      expect(gen(5000, new Rng(7))).toEqual(gen(5000, new Rng(7)));
      expect(gen(5000, new Rng(7))).not.toEqual(gen(5000, new Rng(8)));
      expect(gen(5000, new Rng(7)).length).toBe(5000);
    }
  });

  it('babble sums every talker at the same level through the whole clip, and is null from silent sources', async () => {
    const a = await speech('emodb', '10a01Wa.flac');
    const b = await speech('emodb', '11a01Wc.flac');
    // Talker b 30 dB quieter at the source still contributes as much as a: each is scaled to one level.
    const quiet = b.map((v) => v * 10 ** (-30 / 20));
    const n = 16000 * 6; // longer than both clips: they loop
    const ab = babbleNoise([a, quiet], n, new Rng(4))!;
    const onlyA = babbleNoise([a], n, new Rng(4))!;
    expect(ab.length).toBe(n);
    const rest = ab.map((v, i) => v - onlyA[i]!); // what talker b added
    expect(Math.abs(powerDb(rest) - powerDb(onlyA))).toBeLessThan(6);
    // No long gap: every second of the babble carries sound.
    for (let s = 0; s < 6; s++) expect(powerDb(ab.subarray(s * 16000, (s + 1) * 16000))).toBeGreaterThan(powerDb(ab) - 15);
    expect(babbleNoise([new Float32Array(8000)], n, new Rng(1))).toBeNull();
    expect(babbleNoise([], n, new Rng(1))).toBeNull();
    expect(babbleNoise([a, b], n, new Rng(1))).toEqual(babbleNoise([a, b], n, new Rng(1)));
    expect(babbleNoise([a, b], n, new Rng(1))).not.toEqual(babbleNoise([a, b], n, new Rng(2)));
  });
});
