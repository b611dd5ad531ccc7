// openSMILE cContourSmoother (smaWin=3) with replicated edges and one end-of-input flush row.

export interface SmoothOptions {
  /** Nz group (`noZeroSma=1`): a zero input stays zero, otherwise average only the non-zero neighbours. */
  noZero?: boolean;
}

/** `x` is rows×cols row-major; returns (rows+1)×cols: rows smoothed frames plus the flush row (= x[rows−1]).
 *  Row n averages x[n−1], x[n], x[n+1] with out-of-range neighbours replaced by the nearest edge row. */
export function smoothSma3(x: Float32Array, rows: number, cols: number, opts: SmoothOptions = {}): Float32Array {
  const out = new Float32Array((rows + 1) * cols);
  if (rows === 0) return out;
  const last = rows - 1;
  for (let r = 0; r <= rows; r++) {
    const pa = Math.min(Math.max(r - 1, 0), last) * cols;
    const pb = Math.min(r, last) * cols;
    const pd = Math.min(r + 1, last) * cols;
    const o = r * cols;
    if (opts.noZero) {
      for (let c = 0; c < cols; c++) {
        const b = x[pb + c]!;
        if (b === 0) continue;
        const a = x[pa + c]!;
        const d = x[pd + c]!;
        let sum = b;
        let k = 1;
        if (a !== 0) {
          sum += a;
          k++;
        }
        if (d !== 0) {
          sum += d;
          k++;
        }
        out[o + c] = sum / k;
      }
    } else {
      for (let c = 0; c < cols; c++) out[o + c] = (x[pa + c]! + x[pb + c]! + x[pd + c]!) / 3;
    }
  }
  return out;
}
