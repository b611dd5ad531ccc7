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
  const centroid = absSum > 0 ? ratioLimit(absNum / absSum, n, n) / n : 0;
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
  // openSMILE's soft limits of the slope-like coefficients (doRatioLimit = 1), on the per-frame values
  const r10 = range / 10;
  m = ratioLimit(m, r10, r10 + 0.01);
  a = ratioLimit(a, Math.sqrt(r10), Math.sqrt(r10) + 0.01);
  b = ratioLimit(b, r10, r10 + 0.01);
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

/** Lpc: linear prediction of the contour (autocorrelation method, Levinson–Durbin), order p: gain (the
 *  final prediction error divided by the number of frames) and the coefficients a1…ap of A(z). */
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
  // coefficients of the inverse filter A(z) = 1 + Σ a_i z^−i (the negated predictor), as openSMILE's LPC
  for (let i = 1; i <= order; i++) out[i] = -a[i]!;
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

/** openSMILE's soft ratio limit: linear within ±limit1, then a tanh-shaped approach to ±(limit1 + excess). */
export function ratioLimit(x: number, limit1: number, excess: number): number {
  if (x > limit1) return Math.tanh((Math.sqrt(x - limit1 + 1) - 1) / (excess * 0.5)) * excess + limit1;
  if (x < -limit1) return Math.tanh(-(Math.sqrt(-(x + limit1) + 1) - 1) / (excess * 0.5)) * excess - limit1;
  return x;
}

/** Peaks2's ratio limits: soft ±10 → ±20, and hard ±1. */
export const softLimit = (r: number): number => (Number.isFinite(r) ? ratioLimit(r, 10, 10) : 0);
const unityLimit = (r: number): number => Math.max(-1, Math.min(1, r));

/**
 * Segments, relative-threshold algorithm (openSMILE segmentationAlgorithm = relTh): the contour's trailing
 * running average over 3 frames starts a new segment where it crosses one of the levels min + θ·range
 * (up or down, the first comparison against 0), at least segMinLng = max(2, ⌊N / maxNumSeg⌋ − 1) frames
 * after the previous boundary; a segment's length is the distance between consecutive boundaries (the
 * first measured from −⌊segMinLng / 2⌋, the tail after the last boundary not counted). At most maxNumSeg
 * segments. Returns the lengths in frames.
 */
export function relThSegments(x: ArrayLike<number>, min: number, range: number, thresholds: number[], maxNumSeg = 100): number[] {
  const n = x.length;
  const levels = thresholds.map((t) => min + range * t);
  const segMinLng = Math.max(2, Math.floor(n / maxNumSeg) - 1);
  let lastSeg = -Math.floor(segMinLng / 2);
  let ravg = 0;
  let raLast = 0;
  const lengths: number[] = [];
  for (let i = 0; i < n; i++) {
    ravg += x[i]!;
    if (i >= 3) ravg -= x[i - 3]!;
    const ra = ravg / Math.min(i + 1, 3);
    const cross = levels.some((l) => (ra > l && raLast <= l) || (ra < l && raLast >= l));
    raLast = ra;
    if (cross && i - lastSeg > segMinLng) {
      if (lengths.length < maxNumSeg) lengths.push(i - lastSeg);
      lastSeg = i;
    }
  }
  return lengths;
}

/**
 * Segments where the contour differs from X (openSMILE nonX): a segment needs segMinLng (3) frames to
 * start and ends at a pause of pauseMinLng (2) frames equal to X; shorter pauses are bridged. A segment's
 * recorded length is its last frame's index minus its first's (one less than its frame count), as
 * openSMILE records it.
 */
export function nonXSegments(x: ArrayLike<number>, X = 0, segMinLng = 3, pauseMinLng = 2): number[] {
  const lengths: number[] = [];
  let state = 0;
  let start = 0;
  let startCount = 0;
  let endCount = 0;
  let i = 0;
  for (; i < x.length; i++) {
    if (x[i] !== X) {
      if (state === 1) {
        endCount = 0;
        if (++startCount >= segMinLng) {
          startCount = 0;
          state = 2;
        }
      } else if (state === 0) {
        startCount++;
        start = i;
        state = 1;
      } else endCount = 0;
    } else if (state === 2) {
      startCount = 0;
      if (++endCount >= pauseMinLng) {
        state = 0;
        lengths.push(i - endCount - start);
        endCount = 0;
      }
    } else if (state === 1) {
      if (++endCount >= pauseMinLng) {
        state = 0;
        endCount = 0;
        startCount = 0;
      }
    }
  }
  if (state === 2) lengths.push(i - (endCount + 1) - start);
  return lengths;
}

/** Segment-length statistics as openSMILE outputs them: mean, max, min and (population) stddev, × frameStepSec. */
export function openSmileSegmentStats(lengths: number[], frameStepSec: number): number[] {
  const n = lengths.length;
  if (n === 0) return [0, 0, 0, 0];
  const mean = meanOf(lengths);
  const sd = n > 1 ? Math.sqrt(meanOf(lengths.map((l) => (l - mean) ** 2))) : 0;
  return [mean * frameStepSec, Math.max(...lengths) * frameStepSec, Math.min(...lengths) * frameStepSec, sd * frameStepSec];
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

export interface Extremum {
  max: boolean;
  x: number;
  y: number;
}

/**
 * Peaks2's peak picking (openSMILE cFunctionalPeaks2, relThresh, absolute threshold th = relThresh·range):
 * 1. strict local maxima and minima at frames 2 … N−3;
 * 2a. a maximum within th of the previous extremum's value is dropped if it rises less than th above the
 *     last accepted minimum; otherwise it replaces the last accepted maximum when 5 % higher, stays after a
 *     minimum, and is dropped else; a minimum is accepted when it differs from the previous extremum by
 *     at least th;
 * 2b. minima less than th below the preceding maximum are dropped;
 * 3. of consecutive maxima the higher stays, of consecutive minima the lower.
 */
export function pickExtrema(x: ArrayLike<number>, relThresh: number, range: number): Extremum[] {
  const n = x.length;
  const th = relThresh * range;
  let list: Array<Extremum & { gone?: boolean }> = [];
  for (let i = 2; i < n - 2; i++) {
    if (x[i]! > x[i - 1]! && x[i]! > x[i + 1]!) list.push({ max: true, x: i, y: x[i]! });
    else if (x[i]! < x[i - 1]! && x[i]! < x[i + 1]!) list.push({ max: false, x: i, y: x[i]! });
  }
  if (list.length === 0) return [];
  const x0 = x[0]!;
  // 2a
  let lastVal = x0;
  let lastMin = x0;
  let lastMax = x0;
  let minFlag = false;
  let lastMaxEl: (Extremum & { gone?: boolean }) | null = null;
  for (const e of list) {
    if (e.max) {
      if (Math.abs(e.y - lastVal) < th) {
        if (e.y - lastMin < th) e.gone = true;
        else {
          if (e.y > lastMax * 1.05) {
            if (lastMaxEl) lastMaxEl.gone = true;
            lastMax = e.y;
            lastMaxEl = e;
          } else if (minFlag) {
            lastMax = e.y;
            lastMaxEl = e;
          } else e.gone = true;
          minFlag = false;
        }
      } else {
        minFlag = false;
        lastMax = e.y;
        lastMaxEl = e;
      }
    } else if (!(Math.abs(e.y - lastVal) < th)) {
      minFlag = true;
      lastMin = e.y;
    }
    lastVal = e.y;
  }
  list = list.filter((e) => !e.gone);
  // 2b
  lastMax = x0;
  for (const e of list) {
    if (!e.max) {
      if (lastMax - e.y < th) e.gone = true;
    } else lastMax = e.y;
  }
  list = list.filter((e) => !e.gone);
  // 3
  const out: Extremum[] = [];
  for (const e of list) {
    const prev = out[out.length - 1];
    if (prev && prev.max === e.max) {
      if (e.max ? e.y > prev.y : e.y < prev.y) out[out.length - 1] = { max: e.max, x: e.x, y: e.y };
    } else out.push({ max: e.max, x: e.x, y: e.y });
  }
  return out;
}

/**
 * Peaks2 statistics as ComParE enables them (norm = seconds, relThresh 0.1): meanPeakDist, peakDistStddev,
 * peakRangeAbs, peakRangeRel, peakMeanAbs, peakMeanMeanDist, peakMeanRel, minRangeRel, meanRisingSlope,
 * stddevRisingSlope, meanFallingSlope, stddevFallingSlope, with openSMILE's conventions: slopes in value
 * units per second between consecutive extrema starting at the first frame, the flank after the last
 * extremum to the last frame included in the means (signed as (last − extremum)/time) but not in the
 * stddevs; the peak-distance stddev measured, as openSMILE does, from each maximum to the minimum before it.
 */
export function peaks2(x: ArrayLike<number>, mean: number, range: number, frameStepSec: number, relThresh = 0.1): number[] {
  const n = x.length;
  if (n === 0) return new Array<number>(12).fill(0);
  const T = frameStepSec;
  const ex = pickExtrema(x, relThresh, range);
  const peaks = ex.filter((e) => e.max);
  const mins = ex.filter((e) => !e.max);
  const py = peaks.map((p) => p.y);
  const my = mins.map((p) => p.y);
  const nPeakDist = Math.max(0, peaks.length - 1);
  let peakDist = 0;
  for (let i = 1; i < peaks.length; i++) peakDist += peaks[i]!.x - peaks[i - 1]!.x;
  if (nPeakDist > 1) peakDist /= nPeakDist;
  let peakSd = 0;
  let lastMinX: number | null = null;
  let seenMax = false;
  for (const e of ex) {
    if (!e.max) lastMinX = e.x;
    else if (!seenMax) seenMax = true;
    else peakSd += (e.x - (lastMinX ?? e.x) - peakDist) ** 2;
  }
  if (nPeakDist > 1) peakSd /= nPeakDist;
  peakSd = peakSd > 0 ? Math.sqrt(peakSd) : 0;
  const peakRange = py.length ? Math.max(...py) - Math.min(...py) : 0;
  const minRange = my.length ? Math.max(...my) - Math.min(...my) : 0;
  const peakMean = meanOf(py);
  const rel = (v: number): number => (range !== 0 ? unityLimit(Math.abs(v / range)) : v);
  const peakMeanRel = mean !== 0 ? softLimit(peakMean / mean) : 20;
  // slopes
  const rising: number[] = [];
  const falling: number[] = [];
  let lastMax = x[0]!;
  let lastMaxPos = 0;
  let lastMin = x[0]!;
  let lastMinPos = 0;
  let lastIsMax = -1;
  for (const e of ex) {
    if (!e.max) {
      lastMin = e.y;
      lastMinPos = e.x;
      if (lastMinPos - lastMaxPos > 0) {
        falling.push((lastMax - lastMin) / ((lastMinPos - lastMaxPos) * T));
        lastIsMax = 0;
      }
    } else {
      lastMax = e.y;
      lastMaxPos = e.x;
      if (lastMaxPos - lastMinPos > 0) {
        rising.push((lastMax - lastMin) / ((lastMaxPos - lastMinPos) * T));
        lastIsMax = 1;
      }
    }
  }
  const sdOf = (v: number[], m: number, count: number): number => {
    let s = 0;
    for (const u of v) s += (u - m) ** 2;
    if (count > 1) s /= count;
    return s > 0 ? Math.sqrt(s) : 0;
  };
  let risingAll = rising.slice();
  let fallingAll = falling.slice();
  if (lastIsMax === 1 && n - 1 - lastMaxPos > 0) fallingAll.push((x[n - 1]! - lastMax) / ((n - 1 - lastMaxPos) * T));
  else if (lastIsMax === 0 && n - 1 - lastMinPos > 0) risingAll.push((x[n - 1]! - lastMin) / ((n - 1 - lastMinPos) * T));
  else if (lastIsMax === -1) {
    const slope = (x[n - 1]! - x[0]!) / n; // openSMILE: per frame here, not per second
    if (slope > 0) risingAll = [slope];
    else if (slope < 0) fallingAll = [slope];
  }
  const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
  const meanRising = risingAll.length > 1 ? sum(risingAll) / risingAll.length : sum(risingAll);
  const meanFalling = fallingAll.length > 1 ? sum(fallingAll) / fallingAll.length : sum(fallingAll);
  const out = [
    peakDist * T,
    peakSd * T,
    peakRange,
    rel(peakRange),
    peakMean,
    peakMean - mean,
    peakMeanRel,
    rel(minRange),
    meanRising,
    sdOf(rising, meanRising, risingAll.length),
    meanFalling,
    sdOf(falling, meanFalling, fallingAll.length),
  ];
  return out.map((v) => (Number.isFinite(v) ? v : 0));
}
