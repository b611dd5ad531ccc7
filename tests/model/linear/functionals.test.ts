import { describe, expect, it } from 'vitest';
import { LLD_DIMS, type Features } from '../../../src/features/types.ts';
import { FUNCTIONALS_DIM, FunctionalsError, utteranceFunctionals } from '../../../src/model/linear/functionals.ts';
import { linearForward, parseLinearWeights, LinearModelError, sigmoid } from '../../../src/model/linear/model.ts';

function features(rows: number[][]): Features {
  // rows: per frame, values for column 0 and column 65 (first Δ); other columns frame index.
  const T = rows.length;
  const lld = new Float32Array(T * LLD_DIMS);
  rows.forEach((r, t) => {
    for (let c = 0; c < LLD_DIMS; c++) lld[t * LLD_DIMS + c] = t;
    lld[t * LLD_DIMS] = r[0];
    lld[t * LLD_DIMS + 65] = r[1];
  });
  return { logmel: new Float32Array(0), logmelFrames: 0, lld, lldFrames: T, durationSec: T / 100 };
}

describe('utteranceFunctionals', () => {
  const N = 10; // functionals per column

  it('computes mean, std, percentiles, slope and moments per column as by hand', () => {
    const f = utteranceFunctionals(features([[4, 1], [1, 1], [3, 1], [2, 1], [5, 1]]));
    expect(f).toHaveLength(FUNCTIONALS_DIM);
    expect(FUNCTIONALS_DIM).toBe(130 * N);
    // column 0: values 4 1 3 2 5 → mean 3, population std √2, p01 1.04, p10 1.4, p50 3, p90 4.6, p99 4.96,
    // slope over t = 0..4: cov(t, x) = Σ(t−2)(x−3) = (−2)(1)+(−1)(−2)+0+(1)(−1)+(2)(2) = 3; var t = 10 → 0.3 per frame = 30 /s,
    // skewness 0 (symmetric), kurtosis Σd⁴/5/σ⁴ = (16+1+0+1+16)/5/4 = 1.7
    const c0 = Array.from(f.subarray(0, N));
    const expected = [3, Math.SQRT2, 1.04, 1.4, 3, 4.6, 4.96, 30, 0, 1.7];
    c0.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    // column 1 (values = frame index 0..4): slope 1 per frame = 100 /s, p50 2
    expect(f[N + 7]).toBeCloseTo(100, 4);
    expect(f[N + 4]).toBeCloseTo(2, 6);
    // column 65 (first Δ) is constant 1: std, slope and moments 0
    expect(Array.from(f.subarray(65 * N, 66 * N))).toEqual([1, 0, 1, 1, 1, 1, 1, 0, 0, 0]);
  });

  it('skewness has the sign of the long tail', () => {
    const f = utteranceFunctionals(features([[0, 0], [0, 0], [0, 0], [10, 0]]));
    // d = −2.5 ×3, 7.5: m3 = (3·(−15.625) + 421.875)/4 = 93.75, σ = √18.75 → 93.75/81.19 = 1.1547
    expect(f[8]).toBeCloseTo(1.1547, 4);
  });

  it('handles one frame and rejects bad input', () => {
    const f = utteranceFunctionals(features([[2, 3]]));
    expect(Array.from(f.subarray(0, 10))).toEqual([2, 0, 2, 2, 2, 2, 2, 0, 0, 0]);
    expect(() => utteranceFunctionals(features([]))).toThrow(FunctionalsError);
    const broken = features([[1, 1], [2, 2]]);
    broken.lld[3] = NaN;
    expect(() => utteranceFunctionals(broken)).toThrow(/non-finite/);
    expect(() => utteranceFunctionals({ ...broken, lldFrames: 3 })).toThrow(/expected 3 × 195/);
  });
});

describe('linear model', () => {
  const dim = FUNCTIONALS_DIM;
  const zeros = Array<number>(dim).fill(0);
  it('z-scores then applies a logistic unit per emotion', () => {
    const w = parseLinearWeights({
      formatVersion: 1,
      functionalsVersion: 2,
      dim,
      weights: [zeros.map((_, i) => (i === 0 ? 2 : 0)), zeros, zeros, zeros],
      bias: [0.5, -1, 0, 1],
    });
    const x = new Float32Array(dim);
    x[0] = 7;
    const norm = { mean: zeros.map((_, i) => (i === 0 ? 5 : 0)), std: zeros.map((_, i) => (i === 0 ? 4 : 1)) };
    const p = linearForward(x, norm, w);
    expect(p[0]).toBeCloseTo(sigmoid(2 * 0.5 + 0.5), 6);
    expect(p[1]).toBeCloseTo(sigmoid(-1), 6);
    expect(p[3]).toBeCloseTo(sigmoid(1), 6);
  });

  it('rejects damaged weight files clearly', () => {
    expect(() => parseLinearWeights({ formatVersion: 2 })).toThrow(LinearModelError);
    expect(() => parseLinearWeights({ formatVersion: 1, functionalsVersion: 2, dim, weights: [zeros], bias: [0, 0, 0, 0] })).toThrow(/weights must be 4/);
    expect(() => parseLinearWeights({ formatVersion: 1, functionalsVersion: 0, dim })).toThrow(/retrain/);
  });
});
