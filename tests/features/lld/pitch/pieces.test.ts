// Unit tests of the pitch pieces: spline resampler, SHS spectrum quirks, Viterbi decoding, jitter.
import { describe, expect, it } from 'vitest';
import { computePitchGroupRaw } from '../../../../src/features/lld/pitch/index.ts';
import { LOG_HNR_FLOOR, PitchJitter, crossCorr } from '../../../../src/features/lld/pitch/jitter.ts';
import { ShsPitch, specEnhance, specSmooth } from '../../../../src/features/lld/pitch/shs.ts';
import { NaturalSplineResampler } from '../../../../src/features/lld/pitch/spline.ts';
import { viterbiPitchStates } from '../../../../src/features/lld/pitch/viterbi.ts';

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

describe('viterbiPitchStates', () => {
  // Two candidates per frame (states 0, 1) and the unvoiced state 2.
  const decode = (rows: Array<[number, number, number, number]>): number[] => {
    const f0 = new Float64Array(rows.length * 2);
    const v = new Float64Array(rows.length * 2);
    rows.forEach(([fa, va, fb, vb], t) => {
      f0[2 * t] = fa;
      v[2 * t] = va;
      f0[2 * t + 1] = fb;
      v[2 * t + 1] = vb;
    });
    return Array.from(viterbiPitchStates(f0, v, rows.length, 2));
  };

  it('follows the continuous contour through a one-frame octave jump of the best candidate', () => {
    // Frame 1's top candidate is the octave (400 Hz, slightly higher voicing): the path stays at 200 Hz.
    expect(decode([[200, 0.9, 400, 0.8], [400, 0.92, 200, 0.9], [200, 0.9, 400, 0.8]])).toEqual([0, 1, 0]);
  });

  it('goes unvoiced through frames whose voicing is below the threshold', () => {
    // Staying voiced costs 2·(−ln 0.1 + 4) ≈ 12.6 per weak frame; v→u + u→u + u→u + u→v costs 10+1+1+10.
    const voiced: [number, number, number, number] = [200, 0.9, 300, 0.3];
    const weak: [number, number, number, number] = [200, 0.1, 300, 0.1];
    expect(decode([voiced, voiced, voiced, weak, weak, weak, voiced, voiced, voiced])).toEqual([0, 0, 0, 2, 2, 2, 0, 0, 0]);
  });

  it('never picks an empty candidate', () => {
    expect(decode([[200, 0.9, 0, 0.95], [200, 0.9, 0, 0.95], [200, 0.9, 0, 0.95]])).toEqual([0, 0, 0]);
  });

  it('shares lastChange across all (i, j) evaluations (openSMILE quirk, kept)', () => {
    // Two identical candidates. Frame 1, state 0: from j=0 the cost is 10·|0 − lastChange(=1)| = 10 and
    // lastChange becomes 0, so from j=1 it is 0: state 0's best predecessor is state 1. Both final
    // costs tie, state 0 wins the flush, and its path is [1, 0]. A per-path lastChange would give [0, 0].
    expect(decode([[200, 0.9, 200, 0.9], [200, 0.9, 200, 0.9]])).toEqual([1, 0]);
  });

  it('decides every frame of a long ambiguous stretch (forced output after 30 pending frames, flush at the end)', () => {
    // Two parallel contours an octave apart never merge, so the survivor paths never agree.
    const octave = Array.from({ length: 100 }, (): [number, number, number, number] => [200, 0.9, 400, 0.85]);
    expect(decode(octave)).toEqual(new Array(100).fill(0));
    // 200 vs 230 Hz: the same, except that the shared lastChange (initially 1) makes frame 0's cheapest
    // successor come from candidate 1, as in the previous test.
    const close = Array.from({ length: 100 }, (): [number, number, number, number] => [200, 0.9, 230, 0.85]);
    expect(decode(close)).toEqual([1, ...new Array(99).fill(0)]);
  });

  it('rejects tables shorter than rows × candidates', () => {
    expect(() => viterbiPitchStates(new Float64Array(4), new Float64Array(4), 3, 2)).toThrow(RangeError);
  });
});

describe('PitchJitter', () => {
  // A synthetic "glottal" pulse train: each period starts a decaying sinusoid.
  const train = (periods: number[], amps: number[], len: number): Float32Array => {
    const x = new Float32Array(len);
    for (let p = 0, k = 0; p < len; k++) {
      const P = periods[k % periods.length]!;
      const A = amps[k % amps.length]!;
      for (let i = 0; i < P && p + i < len; i++) x[p + i] = A * Math.exp(-i / 20) * Math.sin((2 * Math.PI * i) / 40);
      p += P;
    }
    return x;
  };
  /** Mean of the 4 outputs over the frames away from the edges, with a constant F0. */
  const analyse = (x: Float32Array, f0: number): number[] => {
    const jit = new PitchJitter(x);
    const out = new Float32Array(4);
    const n = Math.floor((x.length - 960) / 160) + 1;
    const acc = [0, 0, 0, 0];
    let m = 0;
    for (let k = 0; k < n; k++) {
      jit.process(k, f0, out, 0);
      if (k >= 5 && k < n - 5) {
        for (let c = 0; c < 4; c++) acc[c] = acc[c]! + out[c]!;
        m++;
      }
    }
    return acc.map((v) => v / m);
  };

  it('crossCorr is the Pearson correlation', () => {
    const x = Float32Array.from([1, 2, 3, 4, 2, 4, 6, 8]);
    expect(crossCorr(x, 0, 4, 4)).toBeCloseTo(1, 12);
    const y = Float32Array.from([1, 2, 3, 4, 8, 6, 4, 2]);
    expect(crossCorr(y, 0, 4, 4)).toBeCloseTo(-1, 12);
  });

  it('a perfectly periodic train has zero jitter and shimmer (and En = 0 leaves logHNR at 0)', () => {
    const [jl, jd, sh, hnr] = analyse(train([160], [0.5], 16000), 100);
    expect(jl).toBe(0);
    expect(jd).toBe(0);
    expect(sh).toBe(0);
    expect(hnr).toBe(0);
  });

  it('alternating 150/170-sample periods give jitterLocal ≈ 20/160 and jitterDDP 0 (|Δ| of |diff|s)', () => {
    const [jl, jd] = analyse(train([150, 170], [0.5], 16000), 100);
    expect(jl).toBeGreaterThan(0.125 * 0.95);
    expect(jl).toBeLessThan(0.125 * 1.05);
    expect(jd).toBe(0);
  });

  it('alternating amplitudes 0.5/0.4 give shimmerLocal ≈ 0.1/0.45', () => {
    const [, , sh, hnr] = analyse(train([160], [0.5, 0.4], 16000), 100);
    expect(sh).toBeCloseTo(0.1 / 0.45, 3);
    expect(hnr).toBeGreaterThan(10); // dB: the period shape is the same, only the scale varies
  });

  it('unvoiced frames output zeros and the −100 dB logHNR floor', () => {
    expect(analyse(train([160], [0.5], 16000), 0)).toEqual([0, 0, 0, LOG_HNR_FLOOR]);
  });
});

describe('computePitchGroupRaw', () => {
  it('returns n60 × 6 values and rejects more frames than the signal holds', () => {
    const x = new Float32Array(960 + 160 * 9);
    const out = computePitchGroupRaw(x, 10);
    expect(out.length).toBe(60);
    // Digital silence: gated to unvoiced everywhere, logHNR at its floor.
    for (let t = 0; t < 10; t++) expect(Array.from(out.subarray(t * 6, t * 6 + 6))).toEqual([0, 0, 0, 0, 0, LOG_HNR_FLOOR]);
    expect(() => computePitchGroupRaw(x, 11)).toThrow(RangeError);
    expect(() => computePitchGroupRaw(x, -1)).toThrow(RangeError);
    expect(computePitchGroupRaw(new Float32Array(100), 0).length).toBe(0);
  });
});
