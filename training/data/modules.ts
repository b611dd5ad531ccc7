// The feature extractor (src/features, engineer A) and the wav2vec2 encoder (src/ssl, engineer F):
// the cache computes features with exactly the code the browser runs.
import { FeatureExtractor } from '../../src/features/extractor.ts';
import type { Features } from '../../src/features/types.ts';
import type { SslFeatures } from '../../src/model/predictor.ts';

export interface FeatureExtractorLike {
  extract(audio16k: Float32Array): Features;
}

export interface SslEncoderLike {
  encode(audio16k: Float32Array): Promise<SslFeatures>;
  dispose(): Promise<void>;
}

export function createFeatureExtractor(): FeatureExtractorLike {
  return new FeatureExtractor();
}

/** Loaded lazily: transformers.js is heavy and only needed when wav2vec2 features are asked for. */
export async function loadSslEncoder(model: string): Promise<SslEncoderLike> {
  const { Wav2Vec2Encoder } = await import('../../src/ssl/encoder.ts');
  return Wav2Vec2Encoder.load({ model, device: 'cpu' });
}
