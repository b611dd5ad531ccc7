import { describe, expect, it } from 'vitest';
import { balancedWeights, fitLogistic } from '../../training/baseline/logreg.ts';
import { fitSvm, svmDecision } from '../../training/baseline/svm.ts';

// Deterministic pseudo-random data: two overlapping classes in d dimensions, informative along the first two.
function data(n: number, d: number, seed = 7): { X: Float64Array; y: Uint8Array } {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const X = new Float64Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 4 === 0 ? 1 : 0;
    for (let j = 0; j < d; j++) X[i * d + j] = (rand() + rand() + rand() - 1.5) * 2 + (y[i] && j < 2 ? 1.2 : 0);
  }
  return { X, y };
}

/** Primal objective ½(‖w‖² + b²) + Σ C·s_i·ξ_i^p. */
function primal(X: Float64Array, n: number, d: number, y: Uint8Array, s: Float64Array, C: number, w: Float64Array, b: number, p: 1 | 2): number {
  let obj = 0.5 * b * b;
  for (let j = 0; j < d; j++) obj += 0.5 * w[j]! * w[j]!;
  const f = svmDecision(X, n, d, w, b);
  for (let i = 0; i < n; i++) obj += C * s[i]! * Math.max(0, 1 - (y[i] ? 1 : -1) * f[i]!) ** p;
  return obj;
}

describe('fitSvm', () => {
  it('L2 loss: matches the closed form w = 4C / (1 + 4C) on two symmetric points', () => {
    // x = +1 (positive), x = −1 (negative); by symmetry b = 0 and ½w² + 2C(1 − w)² is minimal at w = 4C/(1+4C)
    for (const C of [0.1, 1, 5]) {
      const fit = fitSvm(Float64Array.of(1, -1), 2, 1, Uint8Array.of(1, 0), Float64Array.of(1, 1), { C, loss: 'l2', tol: 1e-9 });
      expect(fit.w[0]).toBeCloseTo((4 * C) / (1 + 4 * C), 6);
      expect(fit.b).toBeCloseTo(0, 6);
    }
  });

  it('L1 loss, large C: the maximum-margin separator of a separable set (margin 1 = half the gap)', () => {
    // points (1, 0), (2, 1) positive and their mirror images negative: the hard-margin solution is
    // w = (1, 0), b = 0 (constraint w₁ ≥ 1 active at (±1, 0); (±2, ±1) lie outside the margin)
    const X = Float64Array.of(1, 0, 2, 1, -1, 0, -2, -1);
    const fit = fitSvm(X, 4, 2, Uint8Array.of(1, 1, 0, 0), new Float64Array(4).fill(1), { C: 1000, loss: 'l1', tol: 1e-9, maxIter: 10_000 });
    expect(fit.w[0]).toBeCloseTo(1, 5);
    expect(fit.w[1]).toBeCloseTo(0, 5);
    expect(fit.b).toBeCloseTo(0, 5);
    const f = svmDecision(X, 4, 2, fit.w, fit.b);
    expect(Array.from(f, (v) => Math.round(v * 1e4) / 1e4)).toEqual([1, 2, -1, -2]);
  });

  it('reaches the primal optimum: no small perturbation of (w, b) lowers the objective', () => {
    const n = 120;
    const d = 4;
    const { X, y } = data(n, d);
    const s = balancedWeights(y);
    for (const loss of ['l2', 'l1'] as const) {
      const C = 0.5;
      const fit = fitSvm(X, n, d, y, s, { C, loss, tol: 1e-6, maxIter: 20_000 });
      const p = loss === 'l2' ? 2 : 1;
      const base = primal(X, n, d, y, s, C, fit.w, fit.b, p);
      for (let k = 0; k <= d; k++) {
        for (const eps of [1e-3, -1e-3]) {
          const w = Float64Array.from(fit.w);
          let b = fit.b;
          if (k < d) w[k] += eps;
          else b += eps;
          expect(primal(X, n, d, y, s, C, w, b, p)).toBeGreaterThanOrEqual(base - 1e-6);
        }
      }
    }
  });

  it('agrees with logistic regression on the decision direction of a toy task', () => {
    const n = 400;
    const d = 6;
    const { X, y } = data(n, d, 11);
    const s = balancedWeights(y);
    const svm = fitSvm(X, n, d, y, s, { C: 0.1 });
    const lr = fitLogistic(X, n, d, y, s, { lambda: 1 / (0.1 * n) });
    let dot = 0;
    let a = 0;
    let c = 0;
    for (let j = 0; j < d; j++) {
      dot += svm.w[j]! * lr.w[j]!;
      a += svm.w[j]! ** 2;
      c += lr.w[j]! ** 2;
    }
    expect(dot / Math.sqrt(a * c)).toBeGreaterThan(0.95);
    expect(svm.w[0]).toBeGreaterThan(Math.abs(svm.w[3]!));
  });

  it('weights samples by C·s_i: doubling s equals doubling C; class balance moves the boundary to the minority', () => {
    const n = 80;
    const d = 3;
    const { X, y } = data(n, d, 3);
    const ones = new Float64Array(n).fill(1);
    const a = fitSvm(X, n, d, y, ones.map(() => 2), { C: 0.05, tol: 1e-8, maxIter: 20_000 });
    const b = fitSvm(X, n, d, y, ones, { C: 0.1, tol: 1e-8, maxIter: 20_000 });
    for (let j = 0; j < d; j++) expect(a.w[j]).toBeCloseTo(b.w[j]!, 5);
    const plain = fitSvm(X, n, d, y, ones, { C: 0.1 });
    const balanced = fitSvm(X, n, d, y, balancedWeights(y), { C: 0.1 });
    const positives = (fit: { w: Float64Array; b: number }): number => svmDecision(X, n, d, fit.w, fit.b).filter((v) => v > 0).length;
    expect(positives(balanced)).toBeGreaterThan(positives(plain));
  });

  it('refuses a non-positive C and inconsistent sizes', () => {
    expect(() => fitSvm(Float64Array.of(1), 1, 1, Uint8Array.of(1), Float64Array.of(1), { C: 0 })).toThrow(/C must be positive/);
    expect(() => fitSvm(Float64Array.of(1, 2), 1, 1, Uint8Array.of(1), Float64Array.of(1), { C: 1 })).toThrow(/inconsistent/);
  });
});
