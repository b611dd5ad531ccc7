/// <reference lib="webworker" />
// Feature worker entry: decoding, resampling and FeatureExtractor off the main thread, exposed with
// comlink. Result buffers are transferred back, never copied.
import * as Comlink from 'comlink';
import { AudioError } from '../audio/errors.ts';
import { loadAudio, toMono16k } from '../audio/load.ts';
import { FeatureExtractor, type FeatureExtractorConfig } from './extractor.ts';
import type { Features } from './types.ts';

const extractors = new Map<string, FeatureExtractor>();
function extractorFor(config: FeatureExtractorConfig = {}): FeatureExtractor {
  const key = `${config.logmel ?? true}/${config.lld ?? true}`;
  let e = extractors.get(key);
  if (!e) extractors.set(key, (e = new FeatureExtractor(config)));
  return e;
}

function transferFeatures(f: Features): Features {
  return Comlink.transfer(f, [f.logmel.buffer as ArrayBuffer, f.lld.buffer as ArrayBuffer]);
}

/** What crosses the worker boundary for an AudioError (comlink would keep only name and message). */
export interface WireAudioError {
  name: 'AudioError';
  code: AudioError['code'];
  message: string;
}

function wire<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      if (err instanceof AudioError) throw { name: 'AudioError', code: err.code, message: err.message } satisfies WireAudioError;
      throw err;
    }
  };
}

const api = {
  /** 16 kHz mono samples → features. */
  extract(audio16k: Float32Array, config?: FeatureExtractorConfig): Features {
    return transferFeatures(extractorFor(config).extract(audio16k));
  },
  /** WAV/FLAC bytes → 16 kHz mono. */
  async loadAudio(bytes: Uint8Array): Promise<Float32Array> {
    const audio = await loadAudio(bytes);
    return Comlink.transfer(audio, [audio.buffer as ArrayBuffer]);
  },
  /** Samples at any rate (mono or planar channels) → 16 kHz mono. */
  async toMono16k(samples: Float32Array | Float32Array[], sampleRate: number): Promise<Float32Array> {
    const audio = await toMono16k(samples, sampleRate);
    // toMono16k may hand back the caller's own (already transferred-in) buffer: fine to send it back.
    return Comlink.transfer(audio, [audio.buffer as ArrayBuffer]);
  },
  /** WAV/FLAC bytes → 16 kHz mono and its features, in one round trip. */
  async loadAndExtract(
    bytes: Uint8Array,
    config?: FeatureExtractorConfig,
  ): Promise<{ audio: Float32Array; features: Features }> {
    const audio = await loadAudio(bytes);
    const features = extractorFor(config).extract(audio);
    return Comlink.transfer({ audio, features }, [
      audio.buffer as ArrayBuffer,
      features.logmel.buffer as ArrayBuffer,
      features.lld.buffer as ArrayBuffer,
    ]);
  },
};

export const featureWorkerApi = {
  extract: wire(api.extract),
  loadAudio: wire(api.loadAudio),
  toMono16k: wire(api.toMono16k),
  loadAndExtract: wire(api.loadAndExtract),
};

export type FeatureWorkerApi = typeof featureWorkerApi;

Comlink.expose(featureWorkerApi);
