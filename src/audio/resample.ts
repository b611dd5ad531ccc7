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
    // simple() flushes the filter tail (end_of_input), so the output covers the whole input. Above
    // LIB_CALL_LIMIT samples in or out the library splits the call itself and drops that tail (46
    // samples at 16 kHz for 27 s of 48 kHz audio, found by the fuzz recipe): feed blocks, then flush.
    if (Math.max(x.length, Math.ceil((x.length * toRate) / fromRate)) <= LIB_CALL_LIMIT) return src.simple(x);
    return resampleLong(src, x, fromRate, toRate);
  } finally {
    src.destroy();
  }
}

/** libsamplerate-js processes at most 1,008,000 samples (in or out) per call; stay below it. */
const LIB_CALL_LIMIT = 1_000_000;

type Converter = Awaited<ReturnType<LibSampleRate['create']>>;

/** Stateful block-wise conversion (full() keeps the filter state, so blocks join seamlessly) and
 *  0.1 s of zeros to push the filter delay out: the same samples simple() gives, for any length. */
function resampleLong(src: Converter, x: Float32Array, fromRate: number, toRate: number): Float32Array {
  const want = Math.round((x.length * toRate) / fromRate);
  const block = Math.max(1, Math.floor(LIB_CALL_LIMIT / Math.max(1, Math.ceil(toRate / fromRate))) - 1);
  const out = new Float32Array(want);
  let filled = 0;
  const take = (y: Float32Array): void => {
    const n = Math.min(y.length, want - filled);
    out.set(y.subarray(0, n), filled);
    filled += n;
  };
  for (let i = 0; i < x.length; i += block) take(src.full(x.subarray(i, Math.min(x.length, i + block))));
  const flush = new Float32Array(Math.min(block, Math.ceil(fromRate / 10)));
  while (filled < want) {
    const before = filled;
    take(src.full(flush));
    if (filled === before) break; // nothing more comes out: leave the rest silent rather than spin
  }
  return out;
}
