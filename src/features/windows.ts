// Analysis windows exactly as openSMILE's smileUtil.c defines them.

/** Hamming: 0.54 − 0.46·cos(2πn/(N−1)). */
export function hamming(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (n - 1));
  return w;
}

/** Gaussian: exp(−0.5·((i−(N−1)/2)/(σ(N−1)/2))²), gain 1. */
export function gaussian(n: number, sigma = 0.4): Float64Array {
  const w = new Float64Array(n);
  const half = (n - 1) / 2;
  for (let i = 0; i < n; i++) {
    const z = (i - half) / (sigma * half);
    w[i] = Math.exp(-0.5 * z * z);
  }
  return w;
}
