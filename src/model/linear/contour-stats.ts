// Statistics of one feature contour (a column of LLD values over time), as openSMILE's cFunctionals
// components define them: the building blocks of the ComParE 2016 and eGeMAPS functionals
// (compare.ts, egemaps.ts). Written from the semantics of openSMILE 3's functional components and the
// feature-set configs; no openSMILE code. Float64 throughout; every output is finite.

/** Linear-interpolated percentile of sorted values, q in [0, 1] (openSMILE Percentiles.interp = 1). */
export function pctl(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function meanOf(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return x.length ? s / x.length : 0;
}

/** Population standard deviation, skewness and kurtosis (0 for a constant contour). */
export function moments(x: ArrayLike<number>, mean: number): { std: number; skew: number; kurt: number } {
  const n = x.length;
  if (n === 0) return { std: 0, skew: 0, kurt: 0 };
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  const std = Math.sqrt(m2);
  if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) return { std, skew: 0, kurt: 0 };
  return { std, skew: m3 / n / std ** 3, kurt: m4 / n / (m2 * m2) };
}

/** Means: arithmetic, positive-values mean, root-quadratic, flatness (geometric / arithmetic mean of |x|, over the non-zero |x|). */
export function means(x: ArrayLike<number>): { amean: number; posamean: number; rqmean: number; flatness: number } {
  const n = x.length;
  if (n === 0) return { amean: 0, posamean: 0, rqmean: 0, flatness: 0 };
  let s = 0;
  let sq = 0;
  let pos = 0;
  let nPos = 0;
  let abs = 0;
  let logAbs = 0;
  let nNz = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    s += v;
    sq += v * v;
    if (v > 0) {
      pos += v;
      nPos++;
    }
    const a = Math.abs(v);
    abs += a;
    if (a > 0) {
      logAbs += Math.log(a);
      nNz++;
    }
  }
  const am = abs / n;
  const flatness = nNz > 0 && am > 0 ? Math.exp(logAbs / nNz) / am : 0;
  return { amean: s / n, posamean: nPos ? pos / nPos : 0, rqmean: Math.sqrt(sq / n), flatness: Number.isFinite(flatness) ? flatness : 0 };
}

/** Extremes: range, relative positions (index / N) of the first maximum and minimum. */
export function extremes(x: ArrayLike<number>): { min: number; max: number; range: number; maxPos: number; minPos: number } {
  const n = x.length;
  if (n === 0) return { min: 0, max: 0, range: 0, maxPos: 0, minPos: 0 };
  let mi = 0;
  let ma = 0;
  for (let i = 1; i < n; i++) {
    if (x[i]! > x[ma]!) ma = i;
    if (x[i]! < x[mi]!) mi = i;
  }
  return { min: x[mi]!, max: x[ma]!, range: x[ma]! - x[mi]!, maxPos: ma / n, minPos: mi / n };
}

/** Percentiles group: quartiles 1–3, the three inter-quartile ranges, 1st/99th percentile and their range. */
export function percentileGroup(sorted: ArrayLike<number>): number[] {
  const q1 = pctl(sorted, 0.25);
  const q2 = pctl(sorted, 0.5);
  const q3 = pctl(sorted, 0.75);
  const p1 = pctl(sorted, 0.01);
  const p99 = pctl(sorted, 0.99);
  return [q1, q2, q3, q2 - q1, q3 - q2, q3 - q1, p1, p99, p99 - p1];
}

/**
 * Linear and quadratic regression over the frame index, openSMILE style (normInputs = 1: coefficients and
 * errors on the value scale divided by the contour's range, offsets relative to its minimum;
 * normRegCoeff 0 = per frame, 2 = per second). Returns linregc1, linregc2, linregerrQ, qregc1, qregc2,
 * qregc3, qregerrQ, centroid (centroid of |x| over time, relative to the length).
 */
export function regression(x: ArrayLike<number>, min: number, max: number, perSecond: boolean, frameStepSec: number): number[] {
  const n = x.length;
  if (n === 0) return [0, 0, 0, 0, 0, 0, 0, 0];
  let range = max - min;
  let rangeInv = 1 / range;
  if (!(range > 0)) {
    range = 1;
    rangeInv = 0;
  }
  let asum = 0;
  let num = 0;
  let num2 = 0;
  let absSum = 0;
  let absNum = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    asum += v;
    num += v * i;
    num2 += v * i * i;
    absSum += Math.abs(v);
    absNum += Math.abs(v) * i;
  }
  const centroid = absSum > 0 ? absNum / absSum / n : 0;
  let m = 0;
  let t = x[0]!;
  let a = 0;
  let b = 0;
  let c = x[0]!;
  if (n > 1) {
    const N = n;
    const S1 = (N * (N - 1)) / 2;
    const S2 = (N * (N - 1) * (2 * N - 1)) / 6;
    const denom = N - (S1 * S1) / S2;
    t = denom === 0 ? 0 : (asum - (num * S1) / S2) / denom;
    m = (num - t * S1) / S2;
    // quadratic: solve the 3×3 normal equations in (a, b, c) for a·i² + b·i + c
    const S3 = (((N - 1) * N) / 2) ** 2; // Σ i³
    const S4 = (S2 * (3 * ((N - 1) ** 2 + (N - 1)) - 1)) / 5; // Σ i⁴
    const det = S4 * (S2 * N - S1 * S1) - S3 * (S3 * N - S1 * S2) + S2 * (S3 * S1 - S2 * S2);
    if (det !== 0 && Number.isFinite(det)) {
      a = ((S2 * N - S1 * S1) * num2 + (S1 * S2 - S3 * N) * num + (S3 * S1 - S2 * S2) * asum) / det;
      b = ((S1 * S2 - S3 * N) * num2 + (S4 * N - S2 * S2) * num + (S3 * S2 - S4 * S1) * asum) / det;
      c = ((S3 * S1 - S2 * S2) * num2 + (S3 * S2 - S4 * S1) * num + (S4 * S2 - S3 * S3) * asum) / det;
    }
  }
  let leq = 0;
  let qeq = 0;
  for (let i = 0; i < n; i++) {
    const el = (x[i]! - (m * i + t)) * rangeInv;
    const eq = (x[i]! - (a * i * i + b * i + c)) * rangeInv;
    leq += el * el;
    qeq += eq * eq;
  }
  if (perSecond) {
    m /= frameStepSec;
    a /= frameStepSec * frameStepSec;
    b /= frameStepSec;
  }
  const out = [m * rangeInv, (t - min) * rangeInv, leq / n, a * rangeInv, b * rangeInv, (c - min) * rangeInv, qeq / n, centroid];
  return out.map((v) => (Number.isFinite(v) ? v : 0));
}

/** Times (norm = segment): up-level times 25/50/75/90 % of the range, rise time, left-curvature time. */
export function times(x: ArrayLike<number>, min: number, range: number): number[] {
  const n = x.length;
  if (n === 0) return [0, 0, 0, 0, 0, 0];
  const out: number[] = [];
  for (const p of [0.25, 0.5, 0.75, 0.9]) {
    const level = min + p * range;
    let above = 0;
    for (let i = 0; i < n; i++) if (x[i]! > level) above++;
    out.push(above / n);
  }
  let rise = 0;
  for (let i = 1; i < n; i++) if (x[i - 1]! < x[i]!) rise++;
  let left = 0;
  for (let i = 1; i < n - 1; i++) if (x[i]! - x[i - 1]! < x[i + 1]! - x[i]!) left++;
  out.push(n > 1 ? rise / (n - 1) : 0, n > 2 ? left / (n - 2) : 0);
  return out;
}

/** Lpc: linear prediction of the contour (autocorrelation method, Levinson–Durbin), order p: gain (residual
 *  energy per frame) and the coefficients a1…ap. */
export function lpc(x: ArrayLike<number>, order: number): number[] {
  const n = x.length;
  const out = new Array<number>(order + 1).fill(0);
  if (n <= order) return out;
  const r = new Float64Array(order + 1);
  for (let k = 0; k <= order; k++) {
    let s = 0;
    for (let i = k; i < n; i++) s += x[i]! * x[i - k]!;
    r[k] = s;
  }
  if (!(r[0]! > 0)) return out;
  const a = new Float64Array(order + 1);
  const tmp = new Float64Array(order + 1);
  let err = r[0]!;
  for (let i = 1; i <= order; i++) {
    let acc = r[i]!;
    for (let j = 1; j < i; j++) acc -= a[j]! * r[i - j]!;
    const k = err > 0 ? acc / err : 0;
    tmp.set(a);
    a[i] = k;
    for (let j = 1; j < i; j++) a[j] = tmp[j]! - k * tmp[i - j]!;
    err *= 1 - k * k;
    if (!(err > 0)) {
      err = 0;
      break;
    }
  }
  out[0] = err / n;
  for (let i = 1; i <= order; i++) out[i] = a[i]!;
  return out.map((v) => (Number.isFinite(v) ? v : 0));
}

/** Segment-length statistics in seconds: mean, max, min, standard deviation (all 0 when there is none). */
export function segmentStats(lengths: number[], frameStepSec: number): number[] {
  if (lengths.length === 0) return [0, 0, 0, 0];
  const s = lengths.map((l) => l * frameStepSec);
  const mean = meanOf(s);
  let sd = 0;
  for (const v of s) sd += (v - mean) ** 2;
  return [mean, Math.max(...s), Math.min(...s), Math.sqrt(sd / s.length)];
}

/**
 * Segments, relative-threshold algorithm (segmentationAlgorithm = relTh): the contour smoothed by a
 * running average of `ravg` frames starts a new segment whenever it crosses one of the levels
 * min + θ·range (θ in `thresholds`), up or down; at most maxNumSeg segments. Returns the lengths in frames.
 */
export function relThSegments(x: ArrayLike<number>, min: number, range: number, thresholds: number[], ravg: number, maxNumSeg = 100): number[] {
  const n = x.length;
  if (n === 0) return [];
  if (!(range > 0)) return [n];
  const levels = thresholds.map((t) => min + t * range);
  const sm = new Float64Array(n);
  const half = Math.floor(ravg / 2);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let k = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(n - 1, i + half); j++) {
      s += x[j]!;
      k++;
    }
    sm[i] = s / k;
  }
  const lengths: number[] = [];
  let start = 0;
  for (let i = 1; i < n && lengths.length < maxNumSeg - 1; i++) {
    const crossed = levels.some((l) => (sm[i - 1]! <= l && sm[i]! > l) || (sm[i - 1]! > l && sm[i]! <= l));
    if (crossed) {
      lengths.push(i - start);
      start = i;
    }
  }
  lengths.push(n - start);
  return lengths;
}

/** Lengths (frames) of the runs where `pred` holds. */
export function runs(x: ArrayLike<number>, pred: (v: number) => boolean): number[] {
  const out: number[] = [];
  let len = 0;
  for (let i = 0; i < x.length; i++) {
    if (pred(x[i]!)) len++;
    else if (len > 0) {
      out.push(len);
      len = 0;
    }
  }
  if (len > 0) out.push(len);
  return out;
}

interface Extremum {
  max: boolean;
  x: number;
  y: number;
}

/**
 * Peaks2-style peak picking: local maxima and minima (strict, frames 2 … N−3), minus those whose rise or
 * fall from the previous extremum is below relThresh·range, then alternated (of two maxima without a
 * minimum between them the higher stays, of two minima the lower).
 */
export function pickExtrema(x: ArrayLike<number>, relThresh: number, range: number): Extremum[] {
  const n = x.length;
  const th = relThresh * range;
  const raw: Extremum[] = [];
  for (let i = 2; i < n - 2; i++) {
    if (x[i]! > x[i - 1]! && x[i]! > x[i + 1]!) raw.push({ max: true, x: i, y: x[i]! });
    else if (x[i]! < x[i - 1]! && x[i]! < x[i + 1]!) raw.push({ max: false, x: i, y: x[i]! });
  }
  // drop extrema that differ from the last kept one of the other kind by less than the threshold
  const kept: Extremum[] = [];
  let lastMin = n ? x[0]! : 0;
  let lastMax = lastMin;
  for (const e of raw) {
    if (e.max ? e.y - lastMin < th : lastMax - e.y < th) continue;
    kept.push(e);
    if (e.max) lastMax = e.y;
    else lastMin = e.y;
  }
  const alt: Extremum[] = [];
  for (const e of kept) {
    const prev = alt[alt.length - 1];
    if (prev && prev.max === e.max) {
      if (e.max ? e.y > prev.y : e.y < prev.y) alt[alt.length - 1] = e;
    } else alt.push(e);
  }
  return alt;
}

/**
 * Peaks2 statistics (norm = seconds): meanPeakDist, peakDistStddev, peakRangeAbs, peakRangeRel, peakMeanAbs,
 * peakMeanMeanDist, peakMeanRel, minRangeRel, meanRisingSlope, stddevRisingSlope, meanFallingSlope,
 * stddevFallingSlope (slopes in value units per second, between consecutive extrema).
 */
export function peaks2(x: ArrayLike<number>, mean: number, range: number, frameStepSec: number, relThresh = 0.1): number[] {
  const n = x.length;
  if (n === 0) return new Array<number>(12).fill(0);
  const ex = pickExtrema(x, relThresh, range);
  const peaks = ex.filter((e) => e.max);
  const mins = ex.filter((e) => !e.max);
  const dists: number[] = [];
  for (let i = 1; i < peaks.length; i++) dists.push((peaks[i]!.x - peaks[i - 1]!.x) * frameStepSec);
  const dMean = meanOf(dists);
  const dStd = Math.sqrt(meanOf(dists.map((d) => (d - dMean) ** 2)));
  const py = peaks.map((p) => p.y);
  const my = mins.map((p) => p.y);
  const pRange = py.length ? Math.max(...py) - Math.min(...py) : 0;
  const mRange = my.length ? Math.max(...my) - Math.min(...my) : 0;
  const pMean = meanOf(py);
  const rel = (v: number): number => (range > 0 ? Math.min(1, Math.abs(v / range)) : v);
  const peakMeanRel = mean !== 0 ? softLimit(pMean / mean) : 0;
  // slopes between consecutive extrema, starting from the first frame and ending at the last
  const pts = [{ x: 0, y: x[0]! }, ...ex.map((e) => ({ x: e.x, y: e.y })), { x: n - 1, y: x[n - 1]! }];
  const rising: number[] = [];
  const falling: number[] = [];
  for (let i = 1; i < pts.length; i++) {
    const dx = pts[i]!.x - pts[i - 1]!.x;
    if (dx <= 0) continue;
    const s = (pts[i]!.y - pts[i - 1]!.y) / (dx * frameStepSec);
    if (s > 0) rising.push(s);
    else if (s < 0) falling.push(-s);
  }
  const sd = (v: number[]): number => {
    const m = meanOf(v);
    return Math.sqrt(meanOf(v.map((u) => (u - m) ** 2)));
  };
  return [dMean, dStd, pRange, rel(pRange), pMean, pMean - mean, peakMeanRel, rel(mRange), meanOf(rising), sd(rising), meanOf(falling), sd(falling)];
}

/** Soft limit of a ratio to about ±100 (a ratio with a near-zero denominator must not explode the z-scores). */
export function softLimit(r: number): number {
  if (!Number.isFinite(r)) return 0;
  const a = Math.abs(r);
  return a <= 100 ? r : Math.sign(r) * (100 + Math.log(a / 100));
}
