// Decoded audio before mixing/resampling: planar channels at the file's own rate.
export interface DecodedAudio {
  channels: Float32Array[];
  sampleRate: number;
}

/** Everything downstream consumes 16 kHz mono. */
export const TARGET_SAMPLE_RATE = 16000;
/** One 60 ms analysis frame at 16 kHz: the shortest audio the feature extractor accepts. */
export const MIN_SAMPLES = 960;
/**
 * Largest |sample| accepted. Float files may peak a little above 1, but 64 (36 dB over full scale) only
 * happens when samples arrive unscaled (int16 values as floats) or corrupt, and such magnitudes push
 * float32 feature maths towards overflow.
 */
export const MAX_ABS_SAMPLE = 64;
