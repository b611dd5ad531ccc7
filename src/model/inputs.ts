// Model inputs from the Features seam: variant selection (paper Table 1), z-score normalisation and
// minimum-length padding. Shared by training and inference so both feed the model identically.
import { deltaRegression } from '../features/deltas.ts';
import { Normaliser } from '../features/normalise.ts';
import type { Features } from '../features/types.ts';
import type { NormalisationStats } from './manifest.ts';
import { LOGMEL_BANDS, lldDims, logmelChannels, type LldVariant, type LogmelVariant } from './presets.ts';

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** log-Mel rows of 40·C values (band-major, channel inner): '2d' static+Δ as extracted, '3d' adds Δ². */
export function logmelInput(f: Features, variant: LogmelVariant): Matrix {
  const rows = f.logmelFrames;
  if (variant === '2d') return { data: f.logmel, rows, cols: LOGMEL_BANDS * 2 };
  const delta = new Float32Array(rows * LOGMEL_BANDS);
  for (let i = 0; i < rows * LOGMEL_BANDS; i++) delta[i] = f.logmel[i * 2 + 1]!;
  const dd = deltaRegression(delta, rows, LOGMEL_BANDS);
  const c = logmelChannels(variant);
  const data = new Float32Array(rows * LOGMEL_BANDS * c);
  for (let i = 0; i < rows * LOGMEL_BANDS; i++) {
    data[i * 3] = f.logmel[i * 2]!;
    data[i * 3 + 1] = f.logmel[i * 2 + 1]!;
    data[i * 3 + 2] = dd[i]!;
  }
  return { data, rows, cols: LOGMEL_BANDS * c };
}

/** LLD rows: the first 65 (LLD), 130 (+Δ) or 195 (+Δ²) columns. */
export function lldInput(f: Features, variant: LldVariant): Matrix {
  const rows = f.lldFrames;
  const cols = lldDims(variant);
  if (cols === 195) return { data: f.lld, rows, cols };
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) data.set(f.lld.subarray(r * 195, r * 195 + cols), r * cols);
  return { data, rows, cols };
}

export function normaliseMatrix(m: Matrix, stats: NormalisationStats): Matrix {
  if (stats.mean.length !== m.cols) throw new RangeError(`normalisation has ${stats.mean.length} columns, input has ${m.cols}`);
  return { ...m, data: new Normaliser(stats.mean, stats.std).apply(m.data) };
}

/** Repeats the last row (edge padding) until there are at least `min` rows. */
export function padRows(m: Matrix, min: number): Matrix {
  if (m.rows >= min) return m;
  if (m.rows === 0) throw new RangeError('input has no frames');
  const data = new Float32Array(min * m.cols);
  data.set(m.data);
  const last = m.data.subarray((m.rows - 1) * m.cols, m.rows * m.cols);
  for (let r = m.rows; r < min; r++) data.set(last, r * m.cols);
  return { data, rows: min, cols: m.cols };
}

export function sliceRows(m: Matrix, start: number, end: number): Matrix {
  return { data: m.data.subarray(start * m.cols, end * m.cols), rows: end - start, cols: m.cols };
}
