// Per-column z-score normalisation: fit on training feature matrices, apply anywhere, store in the
// model manifest (`NormalisationStats`).
import type { NormalisationStats } from '../model/manifest.ts';

/**
 * Largest |mean| and std, and smallest std, a statistic may hold. The shipped models span |mean| ≤ 6e6
 * and std 3e-6 … 6e6; finite values far beyond (a corrupt 1e308) overflow the z-scores to ±Infinity
 * and the probabilities to NaN (found by the manifest fuzz target), so manifests are refused with them.
 */
export const MAX_STAT = 1e12;
export const MIN_STAT_STD = 1e-12;

/** Every mean within ±MAX_STAT, every std in [MIN_STAT_STD, MAX_STAT]; the message names the first offender. */
export function statsRangeProblem(mean: readonly number[], std: readonly number[]): string | null {
  const m = mean.findIndex((x) => !(Math.abs(x) <= MAX_STAT));
  if (m >= 0) return `mean[${m}] = ${mean[m]} is beyond ±${MAX_STAT}`;
  const s = std.findIndex((x) => !(x >= MIN_STAT_STD && x <= MAX_STAT));
  if (s >= 0) return `std[${s}] = ${std[s]} is outside [${MIN_STAT_STD}, ${MAX_STAT}]`;
  return null;
}

/** Columns whose std falls below this are only centred (std stored as 1), so constants never blow up. */
export const DEFAULT_MIN_STD = 1e-6;

/**
 * Streaming fit. Sums are float64 and shifted by each column's first value, so the variance does not
 * suffer the cancellation of Σx² − (Σx)²/n on columns with a large mean (e.g. logHNR near −100).
 */
export class NormaliserFit {
  readonly dims: number;
  private count = 0;
  private readonly shift: Float64Array;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;

  constructor(dims: number) {
    if (!Number.isInteger(dims) || dims < 1) throw new RangeError(`normaliser dims must be a positive integer, got ${dims}`);
    this.dims = dims;
    this.shift = new Float64Array(dims);
    this.sum = new Float64Array(dims);
    this.sumSq = new Float64Array(dims);
  }

  get rows(): number {
    return this.count;
  }

  /** Add a row-major rows×dims matrix. */
  add(data: ArrayLike<number>): this {
    const d = this.dims;
    if (data.length % d !== 0) throw new RangeError(`matrix of ${data.length} values is not a whole number of ${d}-column rows`);
    const rows = data.length / d;
    if (rows === 0) return this;
    if (this.count === 0) for (let c = 0; c < d; c++) this.shift[c] = data[c]!;
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      for (let c = 0; c < d; c++) {
        const v = data[o + c]!;
        if (!Number.isFinite(v)) throw new RangeError(`non-finite value ${v} at row ${r}, column ${c}`);
        const z = v - this.shift[c]!;
        this.sum[c]! += z;
        this.sumSq[c]! += z * z;
      }
    }
    this.count += rows;
    return this;
  }

  finish(minStd: number = DEFAULT_MIN_STD): Normaliser {
    if (this.count === 0) throw new RangeError('cannot fit a normaliser on zero rows');
    const n = this.count;
    const mean = new Float64Array(this.dims);
    const std = new Float64Array(this.dims);
    for (let c = 0; c < this.dims; c++) {
      const m = this.sum[c]! / n;
      const variance = Math.max(0, this.sumSq[c]! / n - m * m); // population variance
      mean[c] = this.shift[c]! + m;
      const s = Math.sqrt(variance);
      std[c] = s < minStd ? 1 : s;
    }
    return new Normaliser(mean, std);
  }
}

export class Normaliser {
  readonly mean: Float64Array;
  readonly std: Float64Array;

  constructor(mean: ArrayLike<number>, std: ArrayLike<number>) {
    if (mean.length !== std.length || mean.length === 0) {
      throw new RangeError(`normaliser needs equal, non-empty mean and std (got ${mean.length} and ${std.length})`);
    }
    for (let i = 0; i < std.length; i++) {
      if (!Number.isFinite(mean[i]!) || !(std[i]! > 0) || !Number.isFinite(std[i]!)) {
        throw new RangeError(`normaliser column ${i}: mean ${mean[i]} / std ${std[i]} must be finite with std > 0`);
      }
    }
    this.mean = Float64Array.from(mean);
    this.std = Float64Array.from(std);
  }

  get dims(): number {
    return this.mean.length;
  }

  /** Fit on a set of row-major matrices with `dims` columns. */
  static fit(matrices: Iterable<ArrayLike<number>>, dims: number, minStd: number = DEFAULT_MIN_STD): Normaliser {
    const fit = new NormaliserFit(dims);
    for (const m of matrices) fit.add(m);
    return fit.finish(minStd);
  }

  /** (x − mean)/std per column into a new Float32Array (or into `out`, which may be `data` itself). */
  apply(data: ArrayLike<number>, out: Float32Array = new Float32Array(data.length)): Float32Array {
    const d = this.dims;
    if (data.length % d !== 0) throw new RangeError(`matrix of ${data.length} values is not a whole number of ${d}-column rows`);
    if (out.length !== data.length) throw new RangeError(`output length ${out.length} ≠ input length ${data.length}`);
    const { mean, std } = this;
    for (let o = 0; o < data.length; o += d) {
      for (let c = 0; c < d; c++) out[o + c] = (data[o + c]! - mean[c]!) / std[c]!;
    }
    return out;
  }

  toJSON(): NormalisationStats {
    return { mean: Array.from(this.mean), std: Array.from(this.std) };
  }

  static fromJSON(json: unknown): Normaliser {
    const j = json as Partial<NormalisationStats> | null;
    if (!j || typeof j !== 'object' || !Array.isArray(j.mean) || !Array.isArray(j.std)) {
      throw new TypeError('normalisation stats must be an object { mean: number[], std: number[] }');
    }
    if (!j.mean.every((v) => typeof v === 'number') || !j.std.every((v) => typeof v === 'number')) {
      throw new TypeError('normalisation stats mean/std must hold only numbers');
    }
    return new Normaliser(j.mean, j.std);
  }
}
