// pcm_RMSenergy (openSMILE cEnergy, rms=1 log=0) and pcm_zcr (cMZcr) on unwindowed frames.
import { scratchI32 } from '../scratch.ts';

/** RMS of x[start … start+n−1]: sqrt(Σx²/n). openSMILE uses the 20 ms (320-sample) frame. */
export function rmsEnergy(x: ArrayLike<number>, start: number, n: number): number {
  let sum = 0;
  for (let i = start, end = start + n; i < end; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / n);
}

/** Zero-crossing rate as cMZcr computes it, in crossings per SAMPLE (not per second): over i = 1…n−2,
 *  count `(x[i−1]·x[i+1] ≤ 0 && x[i] == 0) || x[i−1]·x[i] < 0`, divided by n. An all-zero frame gives (n−2)/n.
 *  openSMILE runs it on the 60 ms (960-sample) frame. */
export function zeroCrossingRate(x: ArrayLike<number>, start: number, n: number): number {
  let count = 0;
  for (let i = start + 1, end = start + n - 1; i < end; i++) {
    const prev = x[i - 1]!;
    const cur = x[i]!;
    if ((prev * x[i + 1]! <= 0 && cur === 0) || prev * cur < 0) count++;
  }
  return count / n;
}

/** zeroCrossingRate for `frames` frames of `n` samples at `step`, in one pass: the crossing test at sample i
 *  depends only on x[i−1…i+1], so a prefix count over the signal serves every (overlapping) frame. */
export function zeroCrossingRates(x: ArrayLike<number>, frames: number, n: number, step: number): Float32Array {
  const out = new Float32Array(frames);
  if (frames === 0) return out;
  const end = (frames - 1) * step + n; // samples the frames cover
  const count = scratchI32('zcr.count', end + 1); // count[i] = crossings at samples 1…i−1
  count[0] = 0;
  count[1] = 0;
  for (let i = 1; i < end - 1; i++) {
    const prev = x[i - 1]!;
    const cur = x[i]!;
    count[i + 1] = count[i]! + ((prev * x[i + 1]! <= 0 && cur === 0) || prev * cur < 0 ? 1 : 0);
  }
  count[end] = count[end - 1]!;
  for (let r = 0; r < frames; r++) {
    const start = r * step;
    out[r] = (count[start + n - 1]! - count[start + 1]!) / n;
  }
  return out;
}
