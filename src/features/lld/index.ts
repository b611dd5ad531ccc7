// LLD extraction: the 65 ComParE 2016 LLDs (smoothed, openSMILE column order) + Δ + Δ².
// PLACEHOLDER during development: the LLD work replaces the body; the signature is the contract.

export interface LldResult {
  /** rows×195 row-major: 65 `_sma` LLDs, 65 Δ, 65 Δ² (standard ±2 regression on every group). */
  data: Float32Array;
  /** openSMILE's row count: N60 + 1 (N60 = whole 60 ms frames at 10 ms step). */
  rows: number;
}

/** `x`: 16 kHz mono float in [−1, 1) (int16/32768 scale); openSMILE's 1/32767 scale is applied inside. */
export function extractLld(_x: Float32Array): LldResult {
  throw new Error('extractLld: not implemented yet');
}
