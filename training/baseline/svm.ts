// Linear support vector machine: L2-regularised L1- or L2-loss SVC trained by dual coordinate descent
// (Hsieh et al., ICML 2008; the solver LIBLINEAR runs for -s 1 / -s 3), with a weight C·s_i per sample
// (class balance) and the bias as an extra constant feature (LIBLINEAR's -B 1, so the bias is
// regularised too). Plain typed arrays, no tfjs.
//
//   primal: min_w ½‖w‖² + Σ_i C·s_i·ξ_i^p,  ξ_i = max(0, 1 − y_i·(w·x_i + b)),  p = 1 (L1) or 2 (L2)
//   dual:   min_α ½ αᵀ(Q + D)α − Σ α_i,  0 ≤ α_i ≤ U_i,  Q_ij = y_i y_j (x_i·x_j + 1)
//           L1: U_i = C·s_i, D = 0;  L2: U_i = ∞, D_ii = 1 / (2·C·s_i);  w = Σ α_i y_i x_i, b = Σ α_i y_i

import { mulberry32 } from '../train/rng.ts';

export interface SvmFit {
  w: Float64Array;
  b: number;
  /** Passes over the data. */
  iterations: number;
  /** Largest projected-gradient violation in the last pass (convergence when ≤ tol). */
  violation: number;
}

export interface SvmOptions {
  C: number;
  loss?: 'l2' | 'l1';
  /** Stop when the projected gradient's spread in a pass falls below this (LIBLINEAR's eps; default 0.01). */
  tol?: number;
  maxIter?: number;
  /** Seed of the coordinate order. */
  seed?: number;
}


/**
 * X: n×d row-major, y: 0/1 labels (1 = positive class), s: positive sample weights (class balance; the
 * weight of sample i is C·s_i). Returns the primal w and b.
 */
export function fitSvm(X: Float64Array, n: number, d: number, y: Uint8Array, s: Float64Array, opts: SvmOptions): SvmFit {
  if (X.length !== n * d || y.length !== n || s.length !== n) throw new Error('fitSvm: inconsistent sizes');
  if (!(opts.C > 0)) throw new Error(`fitSvm: C must be positive, got ${opts.C}`);
  const l2 = (opts.loss ?? 'l2') === 'l2';
  const tol = opts.tol ?? 0.01;
  const maxIter = opts.maxIter ?? 2000;
  const rand = mulberry32(opts.seed ?? 1);
  const w = new Float64Array(d);
  let b = 0;
  const alpha = new Float64Array(n);
  const diag = new Float64Array(n);
  const upper = new Float64Array(n);
  const qd = new Float64Array(n);
  const sign = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ci = opts.C * s[i]!;
    diag[i] = l2 ? 0.5 / ci : 0;
    upper[i] = l2 ? Infinity : ci;
    let sq = 1; // the bias feature
    for (let j = 0; j < d; j++) sq += X[i * d + j]! ** 2;
    qd[i] = sq + diag[i]!;
    sign[i] = y[i] ? 1 : -1;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  let it = 0;
  let violation = Infinity;
  for (; it < maxIter; it++) {
    for (let i = n - 1; i > 0; i--) {
      const k = Math.floor(rand() * (i + 1));
      [order[i], order[k]] = [order[k]!, order[i]!];
    }
    let pgMax = -Infinity;
    let pgMin = Infinity;
    for (const i of order) {
      const row = i * d;
      let z = b;
      for (let j = 0; j < d; j++) z += w[j]! * X[row + j]!;
      const yi = sign[i]!;
      const G = yi * z - 1 + diag[i]! * alpha[i]!;
      let pg = G;
      if (alpha[i] === 0) pg = Math.min(G, 0);
      else if (alpha[i] === upper[i]) pg = Math.max(G, 0);
      pgMax = Math.max(pgMax, pg);
      pgMin = Math.min(pgMin, pg);
      if (Math.abs(pg) > 1e-12) {
        const old = alpha[i]!;
        const next = Math.min(Math.max(old - G / qd[i]!, 0), upper[i]!);
        const delta = (next - old) * yi;
        if (delta !== 0) {
          alpha[i] = next;
          for (let j = 0; j < d; j++) w[j] += delta * X[row + j]!;
          b += delta;
        }
      }
    }
    violation = pgMax - pgMin;
    if (violation <= tol) {
      it++;
      break;
    }
  }
  return { w, b, iterations: it, violation };
}

/** Decision values w·x + b for the rows of X (n×d row-major). */
export function svmDecision(X: Float64Array, n: number, d: number, w: Float64Array, b: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = b;
    for (let j = 0; j < d; j++) z += w[j]! * X[i * d + j]!;
    out[i] = z;
  }
  return out;
}
