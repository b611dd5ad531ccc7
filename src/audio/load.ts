// One entry point from file bytes to the 16 kHz mono Float32Array every later stage consumes.
import { AudioError } from './errors.ts';
import { decodeFlac, isFlac, isOggFlac } from './flac.ts';
import { downmix } from './mix.ts';
import { checkSampleRate, resample, type ResampleQuality } from './resample.ts';
import { MAX_ABS_SAMPLE, MIN_SAMPLES, TARGET_SAMPLE_RATE, type DecodedAudio } from './types.ts';
import { decodeWav, isWav } from './wav.ts';

export interface LoadOptions {
  /** libsamplerate converter; 'medium' (default) is ~2× faster than 'best' and far below feature precision. */
  quality?: ResampleQuality;
}

/** Decode WAV, FLAC or Ogg FLAC bytes to planar channels at the file's own rate. */
export async function decodeAudio(bytes: Uint8Array): Promise<DecodedAudio> {
  if (!(bytes instanceof Uint8Array)) throw new AudioError('unsupported-format', 'audio input must be a Uint8Array of file bytes');
  if (bytes.length === 0) throw new AudioError('empty', 'audio file is empty (0 bytes)');
  if (isWav(bytes)) return decodeWav(bytes);
  if (isFlac(bytes) || isOggFlac(bytes)) return decodeFlac(bytes);
  if (bytes.length < 12) throw new AudioError('truncated', `audio file of ${bytes.length} bytes is too small to hold a header`);
  const head = Array.from(bytes.subarray(0, 4), (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
  throw new AudioError('unsupported-format', `unrecognised audio format (starts with "${head}"); WAV, FLAC and Ogg FLAC are supported`);
}

/** Throw a typed error if any sample is NaN/±Inf ('non-finite') or beyond ±MAX_ABS_SAMPLE ('out-of-range'). */
export function checkSamples(x: Float32Array, what = 'audio'): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v <= MAX_ABS_SAMPLE && v >= -MAX_ABS_SAMPLE) continue; // false for NaN too
    if (v - v !== 0) throw new AudioError('non-finite', `${what} has a non-finite sample (${v}) at index ${i}`);
    throw new AudioError(
      'out-of-range',
      `${what} has a sample of ${v} at index ${i}; samples must be floats in [−1, 1) (int16 values divided by 32768)`,
    );
  }
}

/** Mono or multichannel samples at any rate → validated 16 kHz mono. */
export async function toMono16k(
  channels: Float32Array | Float32Array[],
  sampleRate: number,
  opts: LoadOptions = {},
): Promise<Float32Array> {
  checkSampleRate(sampleRate);
  const list = Array.isArray(channels) ? channels : [channels];
  if (list.length === 0 || list[0]!.length === 0) throw new AudioError('empty', 'audio holds no samples');
  for (const c of list) checkSamples(c);
  const mono = downmix(list);
  const minIn = Math.ceil((MIN_SAMPLES * sampleRate) / TARGET_SAMPLE_RATE);
  if (mono.length < minIn) {
    throw new AudioError(
      'too-short',
      `audio is ${((mono.length / sampleRate) * 1000).toFixed(1)} ms long; at least 60 ms (one analysis frame) is needed`,
    );
  }
  const out = await resample(mono, sampleRate, TARGET_SAMPLE_RATE, opts.quality);
  if (out.length < MIN_SAMPLES) {
    throw new AudioError('too-short', `audio resampled to ${out.length} samples at 16 kHz; at least ${MIN_SAMPLES} are needed`);
  }
  // A decoder or resampler should never create NaN from finite input; check rather than trust.
  if (out !== mono) checkSamples(out, 'resampled audio');
  return out;
}

/** WAV/FLAC file bytes → 16 kHz mono float in [−1, 1). */
export async function loadAudio(bytes: Uint8Array, opts: LoadOptions = {}): Promise<Float32Array> {
  const decoded = await decodeAudio(bytes);
  return toMono16k(decoded.channels, decoded.sampleRate, opts);
}
