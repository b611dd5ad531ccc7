// Model manifest (public/models/<name>/manifest.json): the only thing besides weights a detector needs.
// Type first; validation (readManifest) lives here too once written.
import type { Emotion } from './emotions.ts';

export type Branch = 'cr' | 'lld' | 'w2v';

export interface NormalisationStats {
  mean: number[];
  std: number[];
}

export interface ModelManifest {
  formatVersion: 1;
  name: string;
  /** 'msir' = tfjs layers model (model.json); 'linear' = functionals + linear classifier baseline. */
  arch: 'msir' | 'linear';
  branches: Branch[];
  /** Input variants (paper Table 1): log-Mel '2d' = static+Δ, '3d' = +Δ²; LLD '1d' | '2d' | '3d'. */
  inputs: { logmel?: '2d' | '3d'; lld?: '1d' | '2d' | '3d'; w2v?: { hiddenSize: number } };
  features: { sampleRate: 16000; frameStepSec: number; logmelBands: number; lldCount: number; maxFrames?: number };
  /** z-score statistics per input ('logmel', 'lld', 'w2v', 'functionals'), fitted on the training split. */
  normalisation: Record<string, NormalisationStats>;
  emotions: Emotion[];
  /** Per-emotion decision thresholds on the positive probability, in `emotions` order. */
  thresholds: number[];
  encoder: { name: string; hiddenSize: number; sha256: string } | null;
  training: {
    corpora: Array<{ name: string; licence: string }>;
    seed: number;
    commit: string;
    date: string;
    [key: string]: unknown;
  };
  metrics: Record<string, unknown>;
}
