// Parabolic peak interpolation shared by SHS peak picking and the jitter period search.

/** Parabola through three points (smileMath_quadFrom3pts): returns [vertex x, vertex y]. */
export function quadFrom3pts(x1: number, y1: number, x2: number, y2: number, x3: number, y3: number, out: Float64Array): void {
  const den = x1 * x1 * x2 + x2 * x2 * x3 + x3 * x3 * x1 - x3 * x3 * x2 - x2 * x2 * x1 - x1 * x1 * x3;
  if (den !== 0) {
    const a = (y1 * x2 + y2 * x3 + y3 * x1 - y3 * x2 - y2 * x1 - y1 * x3) / den;
    const b = (x1 * x1 * y2 + x2 * x2 * y3 + x3 * x3 * y1 - x3 * x3 * y2 - x2 * x2 * y1 - x1 * x1 * y3) / den;
    const c = (x1 * x1 * x2 * y3 + x2 * x2 * x3 * y1 + x3 * x3 * x1 * y2 - x3 * x3 * x2 * y1 - x2 * x2 * x1 * y3 - x1 * x1 * x3 * y2) / den;
    if (a !== 0) {
      const x = -b / (2 * a);
      out[0] = x;
      out[1] = c - a * x * x;
      return;
    }
  }
  // Degenerate: fall back to the largest point (openSMILE's peak-picking fallback).
  if (y1 > y2 && y1 > y3) { out[0] = x1; out[1] = y1; }
  else if (y2 > y1 && y2 > y3) { out[0] = x2; out[1] = y2; }
  else if (y3 > y1 && y3 > y2) { out[0] = x3; out[1] = y3; }
  else { out[0] = x1; out[1] = y1; }
}
