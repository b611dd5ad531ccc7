// Decoded audio before mixing/resampling: planar channels at the file's own rate.
export interface DecodedAudio {
  channels: Float32Array[];
  sampleRate: number;
}

/** Everything downstream consumes 16 kHz mono. */
export const TARGET_SAMPLE_RATE = 16000;
/** One 60 ms analysis frame at 16 kHz: the shortest audio the feature extractor accepts. */
export const MIN_SAMPLES = 960;
