// Utterance functionals of the project's own LLDs: the baseline's fixed-length input. Per column of
// the 65 smoothed LLDs and their 65 Δ: mean, standard deviation, 1st/10th/50th/90th/99th percentile,
// slope of a least-squares line over time (per second), skewness and kurtosis. 130 × 10 = 1300 values.
// (The extra percentiles and moments raised the mean val UAR from 85.8 to 87.5 on the shared val split.)
import type { Features } from '../../features/types.ts';
import { LLD_COUNT, LLD_DIMS } from '../../features/types.ts';

export const FUNCTIONALS_VERSION = 2;
export const FUNCTIONAL_NAMES = ['mean', 'std', 'p01', 'p10', 'p50', 'p90', 'p99', 'slope', 'skewness', 'kurtosis'] as const;
/** LLD columns used: static + Δ (Δ² adds little for functionals and doubles the size). */
export const FUNCTIONAL_COLUMNS = 2 * LLD_COUNT;
export const FUNCTIONALS_DIM = FUNCTIONAL_COLUMNS * FUNCTIONAL_NAMES.length;

export class FunctionalsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FunctionalsError';
  }
}

/** LLD column `c` of an utterance as float64, refusing non-finite values (FunctionalsError). */
export function lldColumn(features: Features, c: number): Float64Array {
  const T = features.lldFrames;
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    const v = features.lld[t * LLD_DIMS + c]!;
    if (!Number.isFinite(v)) throw new FunctionalsError(`non-finite LLD value at frame ${t}, column ${c}`);
    out[t] = v;
  }
  return out;
}

/** Linear-interpolated percentile of sorted values (numpy's default), q in [0, 1]. */
function percentile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Functionals of one utterance, laid out [column][functional] (column-major by LLD). */
export function utteranceFunctionals(features: Features, frameStepSec = 0.01): Float32Array {
  const T = features.lldFrames;
  if (!Number.isInteger(T) || T < 1) throw new FunctionalsError(`need at least one LLD frame, got ${T}`);
  if (features.lld.length !== T * LLD_DIMS) {
    throw new FunctionalsError(`lld has ${features.lld.length} values, expected ${T} × ${LLD_DIMS}`);
  }
  const out = new Float32Array(FUNCTIONALS_DIM);
  const col = new Float64Array(T);
  const tMean = (T - 1) / 2;
  let tVar = 0;
  for (let t = 0; t < T; t++) tVar += (t - tMean) ** 2;
  for (let c = 0; c < FUNCTIONAL_COLUMNS; c++) {
    let sum = 0;
    for (let t = 0; t < T; t++) {
      const v = features.lld[t * LLD_DIMS + c];
      if (!Number.isFinite(v)) throw new FunctionalsError(`non-finite LLD value at frame ${t}, column ${c}`);
      col[t] = v;
      sum += v;
    }
    const mean = sum / T;
    let ss = 0;
    let m3 = 0;
    let m4 = 0;
    let cov = 0;
    for (let t = 0; t < T; t++) {
      const d = col[t] - mean;
      const d2 = d * d;
      ss += d2;
      m3 += d2 * d;
      m4 += d2 * d2;
      cov += d * (t - tMean);
    }
    const sd = Math.sqrt(ss / T);
    col.sort();
    const o = c * FUNCTIONAL_NAMES.length;
    out[o] = mean;
    out[o + 1] = sd;
    out[o + 2] = percentile(col, 0.01);
    out[o + 3] = percentile(col, 0.1);
    out[o + 4] = percentile(col, 0.5);
    out[o + 5] = percentile(col, 0.9);
    out[o + 6] = percentile(col, 0.99);
    out[o + 7] = tVar > 0 ? cov / tVar / frameStepSec : 0;
    // moments of a (numerically) constant column are 0, not 0/0
    const flat = sd <= 1e-12 * Math.max(1, Math.abs(mean));
    out[o + 8] = flat ? 0 : m3 / T / sd ** 3;
    out[o + 9] = flat ? 0 : m4 / T / sd ** 4;
  }
  return out;
}
