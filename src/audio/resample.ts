// Band-limited sample-rate conversion with libsamplerate (Secret Rabbit Code) compiled to wasm by
// @alexanderolsen/libsamplerate-js. The wasm is embedded in its JS bundle, so the same code runs in Node
// and in a browser worker without any fetch.
import * as libsamplerate from '@alexanderolsen/libsamplerate-js';
import { AudioError } from './errors.ts';

/** SRC_SINC_BEST_QUALITY = 0, SRC_SINC_MEDIUM_QUALITY = 1 (libsamplerate's converter ids). */
export type ResampleQuality = 'best' | 'medium';

type LibSampleRate = typeof import('@alexanderolsen/libsamplerate-js');
// The package is a UMD bundle: Node's ESM loader exposes it as `default`, bundlers as named exports.
const lib: LibSampleRate =
  (libsamplerate as unknown as { default?: LibSampleRate }).default ?? (libsamplerate as LibSampleRate);

export const MIN_SAMPLE_RATE = 1000;
export const MAX_SAMPLE_RATE = 768000;

export function checkSampleRate(rate: number): void {
  if (!Number.isFinite(rate) || rate < MIN_SAMPLE_RATE || rate > MAX_SAMPLE_RATE || Math.round(rate) !== rate) {
    throw new AudioError(
      'bad-sample-rate',
      `sample rate ${rate} Hz is not supported (integer between ${MIN_SAMPLE_RATE} and ${MAX_SAMPLE_RATE} Hz)`,
    );
  }
}

/** Resample mono `x` from `fromRate` to `toRate`; returns `x` itself when the rates match. */
export async function resample(
  x: Float32Array,
  fromRate: number,
  toRate: number,
  quality: ResampleQuality = 'medium',
): Promise<Float32Array> {
  checkSampleRate(fromRate);
  checkSampleRate(toRate);
  if (fromRate === toRate) return x;
  const src = await lib.create(1, fromRate, toRate, {
    converterType: quality === 'best' ? lib.ConverterType.SRC_SINC_BEST_QUALITY : lib.ConverterType.SRC_SINC_MEDIUM_QUALITY,
  });
  try {
    // simple() flushes the filter tail (end_of_input), so the output covers the whole input.
    return src.simple(x);
  } finally {
    src.destroy();
  }
}
