// Messages between the Detector (main thread) and its worker. Audio always travels as transferred
// ArrayBuffers (no copy).
import type { SerializedError } from './errors.ts';
import type { BackendPreference, Detection, DetectorInfo, LevelFrame, ListenMode, ModelRunner, StreamStateEvent, Wav2Vec2Options } from './types.ts';

/** A listening session's parameters: what the main thread asks for and what the worker's session runs with. */
export interface ListenRequest {
  id: number;
  /** Port whose other end lives in the capture worklet; chunks arrive as Float32Array. */
  port: MessagePort;
  sampleRate: number;
  mode: ListenMode;
  windowSec: number;
  hopSec: number;
}

export type ToWorker =
  | {
      type: 'init';
      id: number;
      model: string;
      wav2vec2: Wav2Vec2Options | false;
      backend: BackendPreference;
      vad: 'auto' | 'silero' | 'energy';
      wasmThreads?: number;
      runner?: ModelRunner;
    }
  | { type: 'detect'; id: number; audio: Float32Array; sampleRate: number }
  /** An encoded clip (WAV/FLAC bytes): decoded and resampled in the worker, exactly as loadAudio does. */
  | { type: 'detect-encoded'; id: number; bytes: Uint8Array }
  | ({ type: 'listen' } & ListenRequest)
  | { type: 'pause'; id: number; paused: boolean }
  | { type: 'unlisten'; id: number; session: number }
  | { type: 'stats'; id: number }
  /** Forget the speaker/session statistics of a speaker-normalised model (a new speaker or room). */
  | { type: 'reset-session'; id: number }
  | { type: 'dispose'; id: number };

export interface WorkerStats {
  numTensors: number;
  numBytes: number;
  /** performance.memory.usedJSHeapSize in the worker when Chromium exposes it, else null. */
  heapBytes: number | null;
  detections: number;
  /** Seconds of active speech in the session's speaker statistics (0 without speaker normalisation). */
  sessionSpeechSec: number;
}

export type FromWorker =
  | { type: 'ready'; id: number; info: DetectorInfo }
  | { type: 'result'; id: number; detection: Detection }
  | { type: 'stats'; id: number; stats: WorkerStats }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; error: SerializedError }
  // Listening session events (id = the listen request id).
  | { type: 'detection'; id: number; detection: Detection; latencyMs: number }
  /** Utterance mode: the result of an utterance whose end the VAD has not confirmed yet (see stream.ts). */
  | { type: 'provisional'; id: number; detection: Detection; latencyMs: number }
  | { type: 'level'; id: number; frames: LevelFrame[] }
  | { type: 'state'; id: number; event: StreamStateEvent }
  | { type: 'stream-error'; id: number; error: SerializedError };
