// Messages between the evaluation page and its workers. Clip bytes travel as transferred buffers.
import type { BackendPreference, Detection } from '../../detector/types.ts';
import type { SpeakerMoments } from '../../features/speaker-norm.ts';

/** How a clip's features are speaker-normalised on this page: its speaker's merged statistics, or
 *  the training prior alone. Never the running 'session' of the live detector: clips are independent. */
export type ClipNormalisation = 'global' | SpeakerMoments;

export type ToEvalWorker =
  | { type: 'init'; model: string; wav2vec2: string | null; backend: BackendPreference; wasmPaths: Record<string, string> }
  /** First pass (speaker-normalised models): the clip's contribution to its speaker's statistics. */
  | { type: 'observe'; id: number; bytes: Uint8Array }
  | { type: 'clip'; id: number; bytes: Uint8Array; normalisation: ClipNormalisation };

export interface ClipOutcome {
  /** Positive-class probability per emotion, EMOTIONS order. */
  probabilities: number[];
  /** Attention over time per branch, averaged down to at most ATTENTION_POINTS values. */
  attention: { cr?: Float32Array; lld?: Float32Array; w2v?: Float32Array };
  durationSec: number;
  timings: { decodeMs: number; featuresMs: number; sslMs: number; modelMs: number };
  /** tfjs tensors alive in the worker after this clip: constant from clip to clip unless something leaks. */
  tensors: number;
  /** Speaker-normalised models: which statistics normalised the clip ('speaker' or 'global') and how
   *  many seconds of speech they hold. */
  normalisation?: Detection['normalisation'];
}

export interface ModelSummary {
  name: string;
  arch: string;
  branches: string[];
  /** Thresholds in EMOTIONS order. */
  thresholds: number[];
  backend: string;
  backendNotes: string[];
  /** The model z-scores its features per speaker (manifest.speakerNormalisation). */
  speakerNormalisation: boolean;
}

export type FromEvalWorker =
  | { type: 'ready'; model: ModelSummary }
  | { type: 'init-error'; message: string }
  | { type: 'result'; id: number; outcome: ClipOutcome }
  | { type: 'observed'; id: number; moments: SpeakerMoments | null }
  | { type: 'clip-error'; id: number; code: string; message: string };

/** Enough resolution for a heat-map row; keeps 1,000 results small. */
export const ATTENTION_POINTS = 200;

/** Average a series down to at most `n` bins (kept as is when shorter). */
export function downsample(x: Float32Array, n = ATTENTION_POINTS): Float32Array {
  if (x.length <= n) return Float32Array.from(x);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.floor((i * x.length) / n);
    const b = Math.max(a + 1, Math.floor(((i + 1) * x.length) / n));
    let s = 0;
    for (let j = a; j < b; j++) s += x[j]!;
    out[i] = s / (b - a);
  }
  return out;
}
