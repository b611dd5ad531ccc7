// L2-regularised, sample-weighted binary logistic regression fitted with L-BFGS: the baseline's
// classifier (the convex problem liblinear solves, C = 1/(λ·n)). Plain typed arrays, no tfjs.

export interface LogRegFit {
  w: Float64Array;
  b: number;
  iterations: number;
  loss: number;
}

export interface LogRegOptions {
  /** L2 strength on w (not on the bias): loss = Σ s_i·log(1+e^(−m_i)) / Σ s_i + λ/2·‖w‖². */
  lambda: number;
  maxIter?: number;
  tol?: number;
}

/**
 * X: n×d row-major (z-scored features), y: 0/1 targets, s: positive sample weights (class balance).
 * Returns the weights minimising the regularised weighted log-loss.
 */
export function fitLogistic(X: Float64Array, n: number, d: number, y: Uint8Array, s: Float64Array, opts: LogRegOptions): LogRegFit {
  if (X.length !== n * d || y.length !== n || s.length !== n) throw new Error('fitLogistic: inconsistent sizes');
  const lambda = opts.lambda;
  const maxIter = opts.maxIter ?? 500;
  const tol = opts.tol ?? 1e-6;
  const sTotal = s.reduce((a, b) => a + b, 0);
  const D = d + 1; // parameters: w then b
  const margins = new Float64Array(n);

  // Loss and gradient at theta; grad written into g.
  const evalAt = (theta: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let z = theta[d];
      const row = i * d;
      for (let j = 0; j < d; j++) z += theta[j] * X[row + j];
      margins[i] = z;
      const sign = y[i] ? 1 : -1;
      const m = sign * z;
      // log(1+e^(−m)) computed stably
      loss += (s[i] * (m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m)))) / sTotal;
      const p = 1 / (1 + Math.exp(-z));
      const r = (s[i] * (p - y[i])) / sTotal;
      for (let j = 0; j < d; j++) g[j] += r * X[row + j];
      g[d] += r;
    }
    for (let j = 0; j < d; j++) {
      loss += 0.5 * lambda * theta[j] * theta[j];
      g[j] += lambda * theta[j];
    }
    return loss;
  };

  const dot = (a: Float64Array, b: Float64Array): number => {
    let t = 0;
    for (let j = 0; j < a.length; j++) t += a[j] * b[j];
    return t;
  };

  const m = 10;
  const S: Float64Array[] = [];
  const Yh: Float64Array[] = [];
  const rho: number[] = [];
  let theta = new Float64Array(D);
  let g = new Float64Array(D);
  let f = evalAt(theta, g);
  const gNorm0 = Math.sqrt(dot(g, g)) || 1;
  let it = 0;
  const dir = new Float64Array(D);
  const alpha = new Float64Array(m);
  for (; it < maxIter; it++) {
    if (Math.sqrt(dot(g, g)) <= tol * gNorm0) break;
    // two-loop recursion: dir = −H·g
    dir.set(g);
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], dir);
      for (let j = 0; j < D; j++) dir[j] -= alpha[k] * Yh[k][j];
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Yh[last]) / dot(Yh[last], Yh[last]);
      for (let j = 0; j < D; j++) dir[j] *= gamma;
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Yh[k], dir);
      for (let j = 0; j < D; j++) dir[j] += S[k][j] * (alpha[k] - beta);
    }
    for (let j = 0; j < D; j++) dir[j] = -dir[j];
    let slope = dot(g, dir);
    if (slope >= 0) {
      // not a descent direction: restart from steepest descent
      for (let j = 0; j < D; j++) dir[j] = -g[j];
      slope = dot(g, dir);
      S.length = 0;
      Yh.length = 0;
      rho.length = 0;
    }
    // backtracking Armijo line search
    let step = S.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
    const next = new Float64Array(D);
    const gNext = new Float64Array(D);
    let fNext = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let j = 0; j < D; j++) next[j] = theta[j] + step * dir[j];
      fNext = evalAt(next, gNext);
      if (fNext <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNext < f)) break; // no progress possible
    const sk = new Float64Array(D);
    const yk = new Float64Array(D);
    for (let j = 0; j < D; j++) {
      sk[j] = next[j] - theta[j];
      yk[j] = gNext[j] - g[j];
    }
    const sy = dot(sk, yk);
    if (sy > 1e-12) {
      S.push(sk);
      Yh.push(yk);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Yh.shift();
        rho.shift();
      }
    }
    const converged = Math.abs(f - fNext) <= 1e-12 * Math.max(1, Math.abs(f));
    theta = next;
    g = gNext;
    f = fNext;
    if (converged) break;
  }
  return { w: theta.slice(0, d), b: theta[d], iterations: it, loss: f };
}

/** Weights so that each class carries half the total weight (sklearn's class_weight='balanced'). */
export function balancedWeights(y: Uint8Array): Float64Array {
  const pos = y.reduce((a, v) => a + v, 0);
  const neg = y.length - pos;
  const s = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) s[i] = y[i] ? y.length / (2 * Math.max(pos, 1)) : y.length / (2 * Math.max(neg, 1));
  return s;
}
