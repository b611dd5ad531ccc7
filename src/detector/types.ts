// Public types of the Detector API (DESIGN.md "Detection" seam).
import type { Emotion } from '../model/emotions.ts';
import type { Branch, ModelManifest } from '../model/manifest.ts';
import type { SignalLevel } from '../audio/level.ts';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export interface EmotionDecision {
  probability: number;
  positive: boolean;
}

export interface Detection {
  emotions: Record<Emotion, EmotionDecision>;
  /** Attention weights over time per branch (the moments that drove the decision). */
  attention: { cr?: Float32Array; lld?: Float32Array; w2v?: Float32Array };
  timings: { featuresMs: number; sslMs: number; modelMs: number };
  /** Level of the analysed audio: `silent` means there was no speech to judge (the emotions are then
   *  meaningless), `clipped` that results may be unreliable. See src/audio/level.ts. */
  signal: SignalLevel;
  /** Models with speaker normalisation: which statistics normalised the features ('session': running
   *  over the listening session, 'speaker': a known speaker's clips, 'global': the training prior) and
   *  how many seconds of active speech they hold. Early in a session they are mostly the prior. */
  normalisation?: { mode: 'session' | 'speaker' | 'global'; speechSec: number };
  /** Seconds: relative to the start of the clip (detect) or of the listening session (listen). */
  start: number;
  end: number;
}

export interface Wav2Vec2Options {
  /** Folder (URL) of the wav2vec2 encoder, same origin. */
  model: string;
  device?: 'auto' | 'webgpu' | 'wasm' | 'cpu';
  dtype?: 'auto' | 'fp32' | 'fp16' | 'q8';
}

/** How MSIR networks run: 'graph' = one JS recurrence per LSTM direction (fast on CPU backends),
 *  'layers' = the exported tf.layers model (suits GPU backends); 'auto' picks by backend. */
export type ModelRunner = 'auto' | 'graph' | 'layers';

export interface DetectorOptions {
  /** URL of the model folder (holds manifest.json). Relative URLs resolve against the page. */
  model: string;
  /** wav2vec2 encoder for three-branch models; false/absent = CR+LLD only. */
  wav2vec2?: Wav2Vec2Options | false;
  /** tfjs backend; 'auto' tries webgpu → webgl (hardware only) → wasm. */
  backend?: BackendPreference;
  /** XNNPACK threads for the wasm backend (default: tfjs's choice, the core count when cross-origin isolated). */
  wasmThreads?: number;
  /** Voice activity detector for utterance mode; 'auto' = Silero, energy gate if Silero cannot load. */
  vad?: 'auto' | 'silero' | 'energy';
  /** How the network runs (default 'auto'); the outputs agree to float rounding either way. */
  runner?: ModelRunner;
}

export interface DetectorInfo {
  backend: BackendName;
  /** Why earlier backends in the order were skipped. */
  backendNotes: string[];
  /** XNNPACK threads in use when the backend is wasm. */
  wasmThreads?: number;
  manifest: ModelManifest;
  branches: Branch[];
  wav2vec2: { used: boolean; name?: string; device?: string; dtype?: string };
}

export type ListenMode = 'utterance' | 'continuous';

export interface ListenOptions {
  mode: ListenMode;
  /** Continuous mode window and hop in seconds (defaults 3 s / 0.4 s; hop must be ≤ window). */
  windowSec?: number;
  hopSec?: number;
  /** An AudioContext to reuse (the demo creates it inside the click handler). */
  audioContext?: AudioContext;
}

export type StreamState = 'starting' | 'listening' | 'speech' | 'paused' | 'stopped';

export interface StreamStateEvent {
  state: StreamState;
  /** Which VAD runs (utterance mode). */
  vad?: 'silero' | 'energy';
  message?: string;
}

/** A level/spectrum sample for meters, ~every 32 ms of audio. */
export interface LevelFrame {
  /** Session time in seconds at the end of this frame. */
  time: number;
  /** RMS in dBFS. */
  rmsDb: number;
  /** 40 log-Mel band energies (natural log) of the frame. */
  mel: Float32Array;
  /** VAD speech probability of the frame (utterance mode), else NaN. */
  speech: number;
}
