// LLD extraction: the 65 ComParE 2016 LLDs (smoothed, openSMILE column order) + Δ + Δ².
// Groups A and B follow openSMILE 3.0.2 (../shared/reference/FEATURES-SPEC.md §5) and match its output within
// 3e-5 of each column's range on the reference clips, except where a spectral roll-off threshold is met with
// (near) equality: there openSMILE's float32 FFT rounding picks bin k or k+1 and ours may differ by one bin.
import { AudioError } from '../../audio/errors.ts';
import { deltaRegression } from '../deltas.ts';
import { FRAME_20MS, FRAME_60MS, frameCount } from '../framing.ts';
import { LLD_COUNT, LLD_DIMS } from '../types.ts';
import { computeGroupsABRaw, GROUP_A20_COLS, GROUP_B_COLS } from './groups.ts';
import { computePitchGroupRaw } from './pitch/index.ts';
import { smoothSma3 } from './smooth.ts';
import { scratchF32 } from '../scratch.ts';

export { LLD_NAMES, LLD_DELTA_NAMES, LLD_DELTA2_NAMES, LLD_CSV_NAMES, LLD_ALL_NAMES } from './names.ts';

export interface LldResult {
  /** rows×195 row-major: 65 `_sma` LLDs, 65 Δ, 65 Δ² (standard ±2 regression on every group). */
  data: Float32Array;
  /** openSMILE's row count: N60 + 1 (N60 = whole 60 ms frames at 10 ms step). */
  rows: number;
}

const NZ_COLS = 6;
const A_COLS = GROUP_A20_COLS + 1;
const A_OFFSET = NZ_COLS;
const B_OFFSET = NZ_COLS + A_COLS;
/** int16/32768 (Web Audio) → int16/32767 (openSMILE's cWaveSource). */
const OPENSMILE_SCALE = 32768 / 32767;

/** openSMILE's frameTime column for `rows` LLD rows: frame starts k·10 ms, the flush row repeats the last time. */
export function lldFrameTimes(rows: number): Float64Array {
  const t = new Float64Array(rows);
  for (let r = 0; r < rows; r++) t[r] = Math.min(r, rows - 2) * 0.01;
  return t;
}

/** `x`: 16 kHz mono float in [−1, 1) (int16/32768 scale); openSMILE's 1/32767 scale is applied inside.
 *  Throws AudioError 'too-short' below one 60 ms frame (960 samples) and 'non-finite' on NaN/±Inf. */
export function extractLld(x: Float32Array): LldResult {
  const n60 = frameCount(x.length, FRAME_60MS);
  if (n60 === 0) {
    throw new AudioError('too-short', `LLD extraction needs at least ${FRAME_60MS} samples (60 ms at 16 kHz), got ${x.length}`);
  }
  const s = scratchF32('lld.input', x.length); // read by computeGroupsABRaw only
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) throw new AudioError('non-finite', `sample ${i} is ${v}`);
    s[i] = v * OPENSMILE_SCALE;
  }
  const n20 = frameCount(x.length, FRAME_20MS);
  const rows = n60 + 1;

  // Nz: F0 / voice quality, smoothed with noZeroSma.
  const nz = smoothSma3(computePitchGroupRaw(x, n60), n60, NZ_COLS, { noZero: true });

  const raw = computeGroupsABRaw(s, n20, n60);
  // Group A: its smoother stops at the shortest input (the 60 ms ZCR), so it has n60+1 rows, but its
  // 20 ms columns still see the real 20 ms frame n+1; the flush row n60 is the 20 ms stream smoothed there.
  const a20 = smoothSma3(raw.a20, n20, GROUP_A20_COLS);
  const zcr = smoothSma3(raw.zcr, n60, 1);
  const a = new Float32Array(rows * A_COLS);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < GROUP_A20_COLS; c++) a[r * A_COLS + c] = a20[r * GROUP_A20_COLS + c]!;
    a[r * A_COLS + GROUP_A20_COLS] = zcr[r]!;
  }
  // Group B runs on n20+1 rows; its deltas see those extra rows before the output is cut to n60+1.
  const b = smoothSma3(raw.b, n20, GROUP_B_COLS);
  const bRows = n20 + 1;

  const nzD = deltaRegression(nz, rows, NZ_COLS);
  const aD = deltaRegression(a, rows, A_COLS);
  const bD = deltaRegression(b, bRows, GROUP_B_COLS);
  const nzDD = deltaRegression(nzD, rows, NZ_COLS);
  const aDD = deltaRegression(aD, rows, A_COLS);
  const bDD = deltaRegression(bD, bRows, GROUP_B_COLS);

  const data = new Float32Array(rows * LLD_DIMS);
  // Plain loops: a subarray view per row and block was ~8000 small allocations per clip.
  const put = (src: Float32Array, cols: number, col0: number): void => {
    for (let r = 0; r < rows; r++) {
      const o = r * LLD_DIMS + col0;
      const i = r * cols;
      for (let c = 0; c < cols; c++) data[o + c] = src[i + c]!;
    }
  };
  for (const [block, base] of [[0, 0], [1, LLD_COUNT], [2, 2 * LLD_COUNT]] as const) {
    put([nz, nzD, nzDD][block]!, NZ_COLS, base);
    put([a, aD, aDD][block]!, A_COLS, base + A_OFFSET);
    put([b, bD, bDD][block]!, GROUP_B_COLS, base + B_OFFSET);
  }
  return { data, rows };
}
