// openSMILE cContourSmoother (smaWin=3) with replicated edges and one end-of-input flush row.

export interface SmoothOptions {
  /** Nz group (`noZeroSma=1`): a zero input stays zero, otherwise average only the non-zero neighbours. */
  noZero?: boolean;
}

/** `x` is rows×cols row-major; returns (rows+1)×cols: rows smoothed frames plus the flush row (= x[rows−1]). */
export function smoothSma3(x: Float32Array, rows: number, cols: number, opts: SmoothOptions = {}): Float32Array {
  const out = new Float32Array((rows + 1) * cols);
  if (rows === 0) return out;
  const at = (r: number, c: number): number => x[Math.min(Math.max(r, 0), rows - 1) * cols + c]!;
  for (let r = 0; r <= rows; r++) {
    for (let c = 0; c < cols; c++) {
      const a = at(r - 1, c);
      const b = at(r, c);
      const d = at(r + 1, c);
      if (opts.noZero) {
        if (b === 0) continue;
        let sum = b;
        let k = 1;
        if (a !== 0) { sum += a; k++; }
        if (d !== 0) { sum += d; k++; }
        out[r * cols + c] = sum / k;
      } else {
        out[r * cols + c] = (a + b + d) / 3;
      }
    }
  }
  return out;
}
