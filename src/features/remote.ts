// Main-thread client for the feature worker (./worker.ts): typed methods, input buffers transferred.
import * as Comlink from 'comlink';
import { AudioError } from '../audio/errors.ts';
import type { FeatureExtractorConfig } from './extractor.ts';
import type { Features } from './types.ts';
import type { FeatureWorkerApi, WireAudioError } from './worker.ts';

export interface TransferOptions {
  /**
   * Transfer the input's buffer to the worker (default true): no copy, but the caller's array is
   * detached afterwards. A view onto part of a larger buffer is copied first, so nothing else is lost.
   */
  transfer?: boolean;
}

export interface FeatureWorkerClient {
  extract(audio16k: Float32Array, opts?: TransferOptions & { config?: FeatureExtractorConfig }): Promise<Features>;
  loadAudio(bytes: Uint8Array, opts?: TransferOptions): Promise<Float32Array>;
  toMono16k(samples: Float32Array, sampleRate: number, opts?: TransferOptions): Promise<Float32Array>;
  loadAndExtract(
    bytes: Uint8Array,
    opts?: TransferOptions & { config?: FeatureExtractorConfig },
  ): Promise<{ audio: Float32Array; features: Features }>;
  /** Stop the worker; pending calls never settle. */
  terminate(): void;
}

function own<T extends Float32Array | Uint8Array>(x: T, transfer: boolean): T {
  const whole = x.buffer instanceof ArrayBuffer && x.byteOffset === 0 && x.byteLength === x.buffer.byteLength;
  // Without transfer (or for a partial view) send a private copy, and move that copy instead of cloning it.
  const v = transfer && whole ? x : (x.slice() as T);
  return Comlink.transfer(v, [v.buffer as ArrayBuffer]);
}

/** Turn the worker's wire form back into a real AudioError, so callers can switch on `code`. */
function revive(err: unknown): never {
  const e = err as Partial<WireAudioError> | null;
  if (e && typeof e === 'object' && e.name === 'AudioError' && typeof e.code === 'string') {
    throw new AudioError(e.code, e.message ?? e.code);
  }
  throw err;
}

export function createFeatureWorker(): FeatureWorkerClient {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'msir-features' });
  const api = Comlink.wrap<FeatureWorkerApi>(worker);
  return {
    extract: (audio, opts = {}) => api.extract(own(audio, opts.transfer ?? true), opts.config).catch(revive),
    loadAudio: (bytes, opts = {}) => api.loadAudio(own(bytes, opts.transfer ?? true)).catch(revive),
    toMono16k: (samples, rate, opts = {}) => api.toMono16k(own(samples, opts.transfer ?? true), rate).catch(revive),
    loadAndExtract: (bytes, opts = {}) => api.loadAndExtract(own(bytes, opts.transfer ?? true), opts.config).catch(revive),
    terminate: () => {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
