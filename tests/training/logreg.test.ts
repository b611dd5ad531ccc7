import { describe, expect, it } from 'vitest';
import { balancedWeights, fitLogistic } from '../../training/baseline/logreg.ts';

// Deterministic pseudo-random data: two overlapping Gaussian-ish classes in 5 dimensions.
function data(n: number, d: number, seed = 7): { X: Float64Array; y: Uint8Array } {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const X = new Float64Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 4 === 0 ? 1 : 0; // 25 % positive
    for (let j = 0; j < d; j++) X[i * d + j] = (rand() + rand() + rand() - 1.5) * 2 + (y[i] && j < 2 ? 1.2 : 0);
  }
  return { X, y };
}

describe('fitLogistic', () => {
  it('reaches the optimum: the regularised gradient vanishes', () => {
    const n = 200;
    const d = 5;
    const { X, y } = data(n, d);
    const s = balancedWeights(y);
    const lambda = 0.01;
    const { w, b } = fitLogistic(X, n, d, y, s, { lambda });
    const g = new Float64Array(d + 1);
    const sT = s.reduce((a, v) => a + v, 0);
    for (let i = 0; i < n; i++) {
      let z = b;
      for (let j = 0; j < d; j++) z += w[j] * X[i * d + j];
      const r = (s[i] * (1 / (1 + Math.exp(-z)) - y[i])) / sT;
      for (let j = 0; j < d; j++) g[j] += r * X[i * d + j];
      g[d] += r;
    }
    for (let j = 0; j < d; j++) g[j] += lambda * w[j];
    expect(Math.max(...Array.from(g, Math.abs))).toBeLessThan(1e-5);
    // the informative dimensions get the large positive weights
    expect(w[0]).toBeGreaterThan(0.3);
    expect(w[1]).toBeGreaterThan(0.3);
    expect(Math.max(Math.abs(w[2]), Math.abs(w[3]), Math.abs(w[4]))).toBeLessThan(w[0]);
  });

  it('shrinks weights as λ grows', () => {
    const { X, y } = data(100, 5, 3);
    const s = balancedWeights(y);
    const norm = (l: number): number => Math.hypot(...fitLogistic(X, 100, 5, y, s, { lambda: l }).w);
    expect(norm(1)).toBeLessThan(norm(0.01));
  });

  it('balances classes: each carries half the weight', () => {
    const s = balancedWeights(Uint8Array.from([1, 0, 0, 0]));
    expect(Array.from(s)).toEqual([2, 2 / 3, 2 / 3, 2 / 3]);
  });
});
