// openSMILE-style framing: frames start at k·step (frameCenterSpecial=left), no partial frames at the end.

export const SAMPLE_RATE = 16000;
export const FRAME_STEP = 160; // 10 ms
export const FRAME_20MS = 320;
export const FRAME_60MS = 960;

/** Number of whole frames of `size` samples at `step` in a signal of `length` samples. */
export function frameCount(length: number, size: number, step: number = FRAME_STEP): number {
  return length < size ? 0 : Math.floor((length - size) / step) + 1;
}

/** Copy frame `index` into `out`, multiplied by `window` when given. */
export function readFrame(
  x: Float32Array,
  index: number,
  size: number,
  out: Float64Array,
  window?: Float64Array,
  step: number = FRAME_STEP,
): Float64Array {
  const start = index * step;
  if (window) for (let i = 0; i < size; i++) out[i] = x[start + i]! * window[i]!;
  else for (let i = 0; i < size; i++) out[i] = x[start + i]!;
  return out;
}
