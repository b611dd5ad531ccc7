// Streaming resampler to 16 kHz for capture chunks: the same libsamplerate converter as resample() in
// ../resample.ts (which is one-shot), through its stateful `full` API so chunk boundaries leave no seams.
import * as libsamplerate from '@alexanderolsen/libsamplerate-js';

type LibSampleRate = typeof import('@alexanderolsen/libsamplerate-js');
// UMD bundle: Node's ESM loader exposes it as `default`, bundlers as named exports (as in ../resample.ts).
const lib: LibSampleRate = (libsamplerate as unknown as { default?: LibSampleRate }).default ?? (libsamplerate as LibSampleRate);

export const TARGET_RATE = 16000;

export interface StreamResampler {
  readonly inputRate: number;
  /** Resamples one chunk; the output length varies by a sample or so between chunks. */
  push(chunk: Float32Array): Float32Array;
  dispose(): void;
}

export async function createStreamResampler(inputRate: number): Promise<StreamResampler> {
  if (!Number.isFinite(inputRate) || inputRate < 4000 || inputRate > 384000) {
    throw new RangeError(`capture sample rate ${inputRate} Hz is outside 4000–384000 Hz`);
  }
  if (inputRate === TARGET_RATE) return { inputRate, push: (c) => c, dispose: () => undefined };
  // Medium quality, as resample() defaults to for decoded files: one resampler quality everywhere.
  const src = await lib.create(1, inputRate, TARGET_RATE, { converterType: lib.ConverterType.SRC_SINC_MEDIUM_QUALITY });
  return {
    inputRate,
    push: (chunk) => src.full(chunk).slice(),
    dispose: () => src.destroy(),
  };
}
