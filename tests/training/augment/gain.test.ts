// Gain: exact (each sample times 10^(dB/20), one float32 rounding), level moves by exactly that many dB.
import { describe, expect, it } from 'vitest';
import { activeLevelDb } from '../../../src/audio/normalise-level.ts';
import { applyGain } from '../../../training/augment/gain.ts';
import { speech } from './signals.ts';

describe('applyGain', () => {
  it('multiplies every sample by 10^(dB/20) exactly and shifts the active level by dB', async () => {
    const x = await speech('emodb', '03a01Wa.flac');
    for (const gdb of [-10, -3.5, 0, 6, 10]) {
      const y = applyGain(x, gdb);
      expect(y.length).toBe(x.length);
      const g = 10 ** (gdb / 20);
      for (let i = 0; i < x.length; i += 97) expect(y[i]).toBe(Math.fround(x[i]! * g));
      expect(activeLevelDb(y)! - activeLevelDb(x)!).toBeCloseTo(gdb, 4);
    }
    expect(applyGain(x, 0)).toEqual(x);
    expect(applyGain(x, 0)).not.toBe(x); // a copy: the input is never modified
  });

  it('keeps silence silent and refuses a non-finite gain', () => {
    expect(applyGain(new Float32Array(100), 12).every((v) => v === 0)).toBe(true);
    expect(() => applyGain(new Float32Array(1), Number.POSITIVE_INFINITY)).toThrow(/finite/);
  });
});
