// What every trained model offers the detector, the evaluator and the CLI, whatever its architecture.
import type { Features } from '../features/types.ts';
import type { ModelManifest } from './manifest.ts';

export interface SslFeatures {
  /** [frames × hidden] wav2vec2 last_hidden_state, 50 Hz. */
  data: Float32Array;
  frames: number;
  hidden: number;
}

export interface PredictorInput {
  features: Features;
  w2v?: SslFeatures;
}

export interface Prediction {
  /** Positive-class probability per emotion, in manifest.emotions order. */
  probabilities: Float32Array;
  /** Attention weights over time per branch (sum to 1 over unmasked frames). */
  attention: { cr?: Float32Array; lld?: Float32Array; w2v?: Float32Array };
}

/** Which feature streams predict() reads: the detector extracts-and-normalises only these. */
export interface FeatureStreams {
  logmel: boolean;
  lld: boolean;
}

export interface EmotionPredictor {
  readonly manifest: ModelManifest;
  readonly streams: FeatureStreams;
  predict(input: PredictorInput): Promise<Prediction>;
  dispose(): void;
}
