// Browser-safe audio API (Node's readAudioFile lives in ./node.ts).
export { AudioError, type AudioErrorCode } from './errors.ts';
export { loadAudio, decodeAudio, toMono16k, checkSamples, type LoadOptions } from './load.ts';
export { resample, type ResampleQuality } from './resample.ts';
export { decodeWav, encodeWav, isWav } from './wav.ts';
export { decodeFlac, isFlac, isOggFlac, readStreamInfo } from './flac.ts';
export { downmix } from './mix.ts';
export { measureLevel, describeLevel, SILENCE_DBFS, CLIPPED_FRACTION, type SignalLevel } from './level.ts';
export { TARGET_SAMPLE_RATE, MIN_SAMPLES, MAX_ABS_SAMPLE, type DecodedAudio } from './types.ts';
