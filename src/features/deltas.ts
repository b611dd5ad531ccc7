// Delta regression over time, window ±N, divisor 2·Σi², edges replicated:
// python_speech_features `delta(feat, N)` and openSMILE cDeltaRegression (deltawin=N) without its Nz-group bug.

/** `x` is rows×cols row-major; returns rows×cols deltas. */
export function deltaRegression(x: Float32Array, rows: number, cols: number, n = 2): Float32Array {
  const out = new Float32Array(rows * cols);
  if (rows === 0) return out;
  let norm = 0;
  for (let i = 1; i <= n; i++) norm += i * i;
  norm *= 2;
  const last = rows - 1;
  for (let t = 0; t < rows; t++) {
    const o = t * cols;
    for (let i = 1; i <= n; i++) {
      const ahead = Math.min(t + i, last) * cols;
      const behind = Math.max(t - i, 0) * cols;
      for (let c = 0; c < cols; c++) out[o + c]! += i * (x[ahead + c]! - x[behind + c]!);
    }
    for (let c = 0; c < cols; c++) out[o + c] = out[o + c]! / norm;
  }
  return out;
}
