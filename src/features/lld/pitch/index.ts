// F0 / voice-quality group (openSMILE columns 1–6), before smoothing.
// PLACEHOLDER during development: the pitch work replaces this with SHS + Viterbi + jitter/shimmer/HNR.

/** Raw (unsmoothed) Nz group, one row per 60 ms frame (count `n60`), 6 columns:
 *  F0final, voicingFinalUnclipped, jitterLocal, jitterDDP, shimmerLocal, logHNR. */
export function computePitchGroupRaw(_x: Float32Array, n60: number): Float32Array {
  return new Float32Array(n60 * 6);
}
