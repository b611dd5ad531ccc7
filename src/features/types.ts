// The features seam (DESIGN.md): what FeatureExtractor.extract returns. Row-major, 10 ms frame step.

export const LOGMEL_BANDS = 40;
export const LOGMEL_CHANNELS = 2; // static, Δ
export const LLD_COUNT = 65;
export const LLD_DIMS = 195; // 65 LLDs, 65 Δ, 65 Δ²

export interface Features {
  /** [logmelFrames × 40 × 2]: index (t·40 + band)·2 + channel, channel 0 = log filterbank, 1 = Δ. */
  logmel: Float32Array;
  logmelFrames: number;
  /** [lldFrames × 195]: columns 0–64 the smoothed LLDs in openSMILE order, 65–129 Δ, 130–194 Δ². */
  lld: Float32Array;
  lldFrames: number;
  /** Seconds of 16 kHz audio these features came from. */
  durationSec: number;
}
