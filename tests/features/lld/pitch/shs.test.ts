// SHS candidates: spectrum preprocessing quirks (specEnhance, specSmooth) and the candidate search.
import { describe, expect, it } from 'vitest';
import { ShsPitch, specEnhance, specSmooth } from '../../../../src/features/lld/pitch/shs.ts';

describe('SHS spectrum preprocessing', () => {
  it('specEnhance with a single peak zeroes everything from index 3 on (openSMILE bug, kept)', () => {
    const a = Float64Array.from({ length: 20 }, (_, i) => 10 - Math.abs(i - 10)); // one maximum, at 10
    specEnhance(a);
    expect(Array.from(a.subarray(0, 3))).toEqual([0, 1, 2]);
    expect(Array.from(a.subarray(3)).every((v) => v === 0)).toBe(true);
  });

  it('specEnhance with several peaks keeps ±2 bins around each and zeroes between', () => {
    const a = new Float64Array(30).fill(1);
    a[5] = 5;
    a[20] = 7;
    a[0] = 0.5; // no edge maximum at 0
    a[29] = 0.5; // nor at the end
    specEnhance(a);
    // Maxima: 1 (a[1] > a[0], a[1] ≥ a[2]), 5 and 20. Between consecutive maxima p < q, a[p+3 … q−3]
    // is zeroed: nothing between 1 and 5, indices 8 … 17 between 5 and 20, nothing after the last one.
    expect(Array.from(a.subarray(8, 18)).every((v) => v === 0)).toBe(true);
    expect(a[7]).toBe(1);
    expect(a[5]).toBe(5);
    expect(a[20]).toBe(7);
    expect(a[10]).toBe(0);
    expect(a[17]).toBe(0);
    expect(a[18]).toBe(1);
    expect(a[22]).toBe(1);
  });

  it('specSmooth is [1 2 1]/4 with a zero before index 0 and leaves the last bin', () => {
    const a = Float64Array.from([4, 8, 0, 4]);
    specSmooth(a);
    expect(Array.from(a)).toEqual([(0 + 8 + 8) / 4, (4 + 16 + 0) / 4, (8 + 0 + 4) / 4, 4]);
  });

  it('finds the F0 of a harmonic tone as the best candidate with high voicing', () => {
    const x = new Float32Array(960 + 160);
    for (let i = 0; i < x.length; i++) {
      let v = 0;
      for (let h = 1; h <= 8; h++) v += Math.sin((2 * Math.PI * 180 * h * i) / 16000) / h;
      x[i] = 0.2 * v;
    }
    const f0 = new Float64Array(6);
    const voicing = new Float64Array(6);
    const rms = new ShsPitch().analyse(x, 0, f0, voicing);
    expect(rms).toBeGreaterThan(0.01);
    expect(Math.abs(f0[0]! - 180)).toBeLessThan(180 * 0.02);
    expect(voicing[0]).toBeGreaterThan(0.7);
    for (let i = 0; i < 6; i++) if (f0[i]! > 0) expect(f0[i]).toBeGreaterThanOrEqual(52);
  });
});
