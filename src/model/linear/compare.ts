// ComParE 2016 functionals over the project's 65 LLDs and their deltas: 6373 values, laid out as
// openSMILE's ComParE_2016.conf concatenates its functionals components (config/compare16/
// ComParE_2016_core.func.conf.inc):
//   A   energy LLDs (loudness, RASTA loudness, RMS energy, ZCR) and their Δ:   8 columns × 31
//   B   spectral LLDs (26 RASTA bands, 2 bands, 4 roll-offs, flux … harmonicity, MFCC 1–14) and Δ: 110 × 31
//   Nz  voicing LLDs (F0, voicing prob., jitter ×2, shimmer, logHNR) and Δ, over their non-zero frames: 12 × 39
//   F0  F0 onsets: share of voiced frames, voiced-segment lengths: 5
//   LLD A+B LLDs (59): means, regression, peaks: 59 × 23
//   Δ   A+B deltas (59): means, peaks: 59 × 15
// Group A/B (31): range, maxPos, minPos; quartiles 1–3, iqr 1-2/2-3/1-3, percentiles 1/99, range 1–99;
//   stddev, skewness, kurtosis; segment lengths (mean, max, min, stddev; relative thresholds 0.25/0.75);
//   up-level times 25/50/75/90, rise time, left-curvature time; LP gain and LPC 1–5 of the contour.
// Nz (39): amean, posamean, rqmean, flatness; range, maxPos, minPos; linear/quadratic regression
//   (c1, c2, errQ, c1, c2, c3, errQ, centroid; per frame); the percentiles, moments, times and LPC above.
// LLD (23): amean, rqmean, flatness; regression per second; Peaks2 (mean/stddev peak distance, peak range
//   abs/rel, peak mean abs / minus mean / relative, minima range rel, rising/falling slope mean/stddev).
// Δ (15): posamean, rqmean, flatness; Peaks2.
// Peaks2 (peak picking, slopes, its quirks), the relTh and nonX segmenters, regression (with its soft
// ratio limits), Times and Lpc follow openSMILE's functional components step by step (contour-stats.ts).
// Differences that remain (no openSMILE functionals output exists in shared/reference to test against):
// the LLDs and deltas are the project's (close to openSMILE's; standard delta regression for the F0 group
// too, as FEATURES-SPEC asks); Means.flatness uses the non-zero |x| for the geometric mean; Moments'
// ratio limit is replaced by 0 for a constant contour; percentiles interpolate linearly between ranks
// (numpy's rule), which may differ from openSMILE's interpolation in the last digits; float64 throughout.
import type { Features } from '../../features/types.ts';
import { LLD_COUNT, LLD_DIMS } from '../../features/types.ts';
import { extremes, lpc, means, moments, nonXSegments, openSmileSegmentStats, peaks2, percentileGroup, regression, relThSegments, times } from './contour-stats.ts';
import { FunctionalsError, lldColumn } from './functionals.ts';

export const COMPARE_FUNCTIONALS_VERSION = 2;

/** LLD column indices (0-based, within the 65) of the three ComParE groups. */
const NZ = [0, 1, 2, 3, 4, 5];
const A = [6, 7, 8, 9];
const B = Array.from({ length: 55 }, (_, i) => 10 + i);

export const COMPARE_AB_NAMES = ['range', 'maxPos', 'minPos', 'quartile1', 'quartile2', 'quartile3', 'iqr1-2', 'iqr2-3', 'iqr1-3', 'percentile1.0', 'percentile99.0', 'pctlrange0-1', 'stddev', 'skewness', 'kurtosis', 'meanSegLen', 'maxSegLen', 'minSegLen', 'segLenStddev', 'upleveltime25', 'upleveltime50', 'upleveltime75', 'upleveltime90', 'risetime', 'leftctime', 'lpgain', 'lpc0', 'lpc1', 'lpc2', 'lpc3', 'lpc4'] as const;
const REGRESSION_NAMES = ['linregc1', 'linregc2', 'linregerrQ', 'qregc1', 'qregc2', 'qregc3', 'qregerrQ', 'centroid'];
const PEAK_NAMES = ['meanPeakDist', 'peakDistStddev', 'peakRangeAbs', 'peakRangeRel', 'peakMeanAbs', 'peakMeanMeanDist', 'peakMeanRel', 'minRangeRel', 'meanRisingSlope', 'stddevRisingSlope', 'meanFallingSlope', 'stddevFallingSlope'];
export const COMPARE_NZ_NAMES = ['amean', 'posamean', 'rqmean', 'flatness', 'range', 'maxPos', 'minPos', ...REGRESSION_NAMES, ...COMPARE_AB_NAMES.slice(3, 15), ...COMPARE_AB_NAMES.slice(19)];
export const COMPARE_F0_NAMES = ['nnz', 'meanSegLen', 'maxSegLen', 'minSegLen', 'segLenStddev'];
export const COMPARE_LLD_NAMES = ['amean', 'rqmean', 'flatness', ...REGRESSION_NAMES, ...PEAK_NAMES];
export const COMPARE_DELTA_NAMES = ['posamean', 'rqmean', 'flatness', ...PEAK_NAMES];

export const COMPARE_FUNCTIONALS_DIM =
  (A.length + B.length) * 2 * COMPARE_AB_NAMES.length +
  NZ.length * 2 * COMPARE_NZ_NAMES.length +
  COMPARE_F0_NAMES.length +
  (A.length + B.length) * (COMPARE_LLD_NAMES.length + COMPARE_DELTA_NAMES.length);

const sortedCopy = (x: Float64Array): Float64Array => Float64Array.from(x).sort();

/** Functionals of groups A and B (31 values). */
function groupAB(x: Float64Array, step: number): number[] {
  const e = extremes(x);
  const m = moments(x, means(x).amean);
  // relTh segmentation (ravgLng and rangeRelThreshold of the config do not apply to relTh)
  const seg = relThSegments(x, e.min, e.range, [0.25, 0.75]);
  return [e.range, e.maxPos, e.minPos, ...percentileGroup(sortedCopy(x)), m.std, m.skew, m.kurt, ...openSmileSegmentStats(seg, step), ...times(x, e.min, e.range), ...lpc(x, 5)];
}

/** Functionals of group Nz over the non-zero frames of the column (39 values). */
function groupNz(col: Float64Array, step: number): number[] {
  const x = col.filter((v) => v !== 0);
  if (x.length === 0) return new Array<number>(COMPARE_NZ_NAMES.length).fill(0);
  const mn = means(x);
  const e = extremes(x);
  const m = moments(x, mn.amean);
  return [mn.amean, mn.posamean, mn.rqmean, mn.flatness, e.range, e.maxPos, e.minPos, ...regression(x, e.min, e.max, false, step), ...percentileGroup(sortedCopy(x)), m.std, m.skew, m.kurt, ...times(x, e.min, e.range), ...lpc(x, 5)];
}

/** ComParE 2016 functionals of one utterance (COMPARE_FUNCTIONALS_DIM values, openSMILE's order). */
export function compareFunctionals(features: Features, frameStepSec = 0.01): Float32Array {
  const T = features.lldFrames;
  if (!Number.isInteger(T) || T < 1) throw new FunctionalsError(`need at least one LLD frame, got ${T}`);
  if (features.lld.length !== T * LLD_DIMS) throw new FunctionalsError(`lld has ${features.lld.length} values, expected ${T} × ${LLD_DIMS}`);
  const cols: Float64Array[] = [];
  for (let c = 0; c < 2 * LLD_COUNT; c++) cols.push(lldColumn(features, c));
  const out: number[] = [];
  const step = frameStepSec;
  for (const c of [...A, ...A.map((i) => i + LLD_COUNT)]) out.push(...groupAB(cols[c]!, step));
  for (const c of [...B, ...B.map((i) => i + LLD_COUNT)]) out.push(...groupAB(cols[c]!, step));
  for (const c of [...NZ, ...NZ.map((i) => i + LLD_COUNT)]) out.push(...groupNz(cols[c]!, step));
  const f0 = cols[0]!;
  let nnz = 0;
  for (const v of f0) if (v !== 0) nnz++;
  out.push(nnz / T, ...openSmileSegmentStats(nonXSegments(f0, 0), step));
  for (const c of [...A, ...B]) {
    const x = cols[c]!;
    const mn = means(x);
    const e = extremes(x);
    out.push(mn.amean, mn.rqmean, mn.flatness, ...regression(x, e.min, e.max, true, step), ...peaks2(x, mn.amean, e.range, step));
  }
  for (const c of [...A, ...B]) {
    const x = cols[c + LLD_COUNT]!;
    const mn = means(x);
    const e = extremes(x);
    out.push(mn.posamean, mn.rqmean, mn.flatness, ...peaks2(x, mn.amean, e.range, step));
  }
  if (out.length !== COMPARE_FUNCTIONALS_DIM) throw new Error(`compareFunctionals: ${out.length} values, expected ${COMPARE_FUNCTIONALS_DIM}`);
  const f = Float32Array.from(out);
  for (let i = 0; i < f.length; i++) if (!Number.isFinite(f[i]!)) f[i] = 0;
  return f;
}

/** Column names (openSMILE style, e.g. `lld[6]_quartile1`, `lld_de[6]_lpc0`) for the manifest. */
export function compareFunctionalNames(): string[] {
  const names: string[] = [];
  const lld = (c: number): string => (c < LLD_COUNT ? `lld[${c}]` : `lld_de[${c - LLD_COUNT}]`);
  for (const c of [...A, ...A.map((i) => i + LLD_COUNT), ...B, ...B.map((i) => i + LLD_COUNT)]) for (const f of COMPARE_AB_NAMES) names.push(`${lld(c)}_${f}`);
  for (const c of [...NZ, ...NZ.map((i) => i + LLD_COUNT)]) for (const f of COMPARE_NZ_NAMES) names.push(`${lld(c)}_${f}`);
  for (const f of COMPARE_F0_NAMES) names.push(`lld[0]_${f}`);
  for (const c of [...A, ...B]) for (const f of COMPARE_LLD_NAMES) names.push(`${lld(c)}_${f}`);
  for (const c of [...A, ...B]) for (const f of COMPARE_DELTA_NAMES) names.push(`${lld(c + LLD_COUNT)}_${f}`);
  return names;
}
