// NaturalSplineResampler: the natural cubic spline openSMILE's cSpecScale resamples with.
import { describe, expect, it } from 'vitest';
import { NaturalSplineResampler } from '../../../../src/features/lld/pitch/spline.ts';

describe('NaturalSplineResampler', () => {
  const knots = Float64Array.from({ length: 40 }, (_, i) => Math.log2(1 + i) + 0.01 * i); // non-uniform
  const lo = knots[0]!;
  const hi = knots[knots.length - 1]!;
  const targets = Float64Array.from({ length: 200 }, (_, i) => lo + ((hi - lo) * i) / 199);

  it('reproduces a straight line exactly (natural end conditions hold for linear data)', () => {
    const sp = new NaturalSplineResampler(knots, targets);
    const out = new Float64Array(targets.length);
    sp.resample(knots.map((x) => 3 * x - 2), out);
    targets.forEach((t, i) => expect(out[i]).toBeCloseTo(3 * t - 2, 12));
  });

  it('passes through the knots and tracks a smooth function between them', () => {
    const f = (x: number): number => Math.sin(1.3 * x) + 0.2 * x;
    const atKnots = new NaturalSplineResampler(knots, knots);
    const y = knots.map(f);
    const same = new Float64Array(knots.length);
    atKnots.resample(y, same);
    knots.forEach((_, i) => expect(same[i]).toBeCloseTo(y[i]!, 12));
    const sp = new NaturalSplineResampler(knots, targets);
    const out = new Float64Array(targets.length);
    sp.resample(y, out);
    // Away from the ends (where y'' = 0 is imposed but f'' ≠ 0) a cubic spline is accurate to O(h⁴).
    targets.forEach((t, i) => {
      if (t > knots[3]! && t < knots[knots.length - 4]!) expect(Math.abs(out[i]! - f(t))).toBeLessThan(2e-4);
    });
  });

  it('has zero curvature at both ends (natural spline)', () => {
    const xs = Float64Array.from([0, 1, 2, 3, 4]);
    const ts = Float64Array.from([0, 1e-4, 2e-4, 4 - 2e-4, 4 - 1e-4, 4]);
    const sp = new NaturalSplineResampler(xs, ts);
    const out = new Float64Array(ts.length);
    sp.resample([0, 1, 8, 27, 64], out); // x³ sampled; a natural spline is linear at the ends
    // One-sided second differences at the ends (≈ y″ one step inside, ~y‴·1e-4); inside, y″ of x³ is ~6–24.
    const second = (a: number, b: number, c: number): number => (a - 2 * b + c) / 1e-8;
    expect(Math.abs(second(out[0]!, out[1]!, out[2]!))).toBeLessThan(1e-2);
    expect(Math.abs(second(out[3]!, out[4]!, out[5]!))).toBeLessThan(1e-2);
  });

  it('rejects non-increasing knots and targets outside the grid', () => {
    expect(() => new NaturalSplineResampler([0, 1, 1, 2], [0.5])).toThrow(RangeError);
    expect(() => new NaturalSplineResampler([0, 1, 2], [2.5])).toThrow(RangeError);
  });
});
