// Pitch perturbation: every frequency moves by 2^(semitones/12) while the length (tempo) stays; on real
// speech the extractor's own F0 moves by that ratio.
import { describe, expect, it } from 'vitest';
import { FeatureExtractor } from '../../../src/features/extractor.ts';
import { pitchShift, timeStretch } from '../../../training/augment/pitch.ts';
import { hasNaN, sine, speech } from './signals.ts';

/** Frequency from upward zero crossings over the middle of the signal. */
function frequency(x: Float32Array, rate = 16000): number {
  const a = Math.floor(x.length * 0.1);
  const b = Math.floor(x.length * 0.9);
  const ups: number[] = [];
  for (let i = a + 1; i < b; i++) if (x[i - 1]! < 0 && x[i]! >= 0) ups.push(i - 1 + -x[i - 1]! / (x[i]! - x[i - 1]!));
  return ((ups.length - 1) * rate) / (ups.at(-1)! - ups[0]!);
}

describe('timeStretch', () => {
  it('changes the length by the factor and keeps the frequency', () => {
    const x = sine(220, 16000);
    for (const f of [0.8, 1.25]) {
      const y = timeStretch(x, f);
      expect(y.length).toBe(Math.round(16000 * f));
      expect(frequency(y)).toBeCloseTo(220, 0);
    }
  });
});

describe('pitchShift', () => {
  it('scales frequency by 2^(st/12) and keeps the length', async () => {
    const x = sine(200, 16000);
    for (const st of [-2, 2]) {
      const y = await pitchShift(x, st);
      expect(y.length).toBe(x.length);
      expect(frequency(y) / (200 * 2 ** (st / 12))).toBeCloseTo(1, 2);
    }
    expect(await pitchShift(x, 0)).toBe(x);
    await expect(pitchShift(x, 7)).rejects.toThrow(/semitones/);
  });

  it('moves the F0 of real speech by the ratio (extractor F0, median over voiced frames)', async () => {
    const x = await speech('emodb', '03a01Wa.flac');
    const ex = new FeatureExtractor();
    const f0 = (a: Float32Array): number => {
      const f = ex.extract(a);
      const v: number[] = [];
      for (let t = 0; t < f.lldFrames; t++) if (f.lld[t * 195]! > 0) v.push(f.lld[t * 195]!);
      return v.sort((p, q) => p - q)[v.length >> 1]!;
    };
    const y = await pitchShift(x, 2);
    expect(y.length).toBe(x.length);
    expect(hasNaN(y)).toBe(false);
    const ratio = f0(y) / f0(x);
    expect(ratio).toBeGreaterThan(2 ** (2 / 12) - 0.04);
    expect(ratio).toBeLessThan(2 ** (2 / 12) + 0.04);
    expect((await pitchShift(new Float32Array(8000), 1.5)).every((v) => v === 0)).toBe(true);
  });
});
