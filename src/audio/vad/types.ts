// A frame-wise voice activity detector: 16 kHz mono frames in, speech probability out.

/** Silero's native frame: 512 samples = 32 ms at 16 kHz. Every VAD here uses it. */
export const VAD_FRAME = 512;
export const VAD_RATE = 16000;

export interface FrameVad {
  readonly kind: 'silero' | 'energy';
  /** Speech probability in [0, 1] for one VAD_FRAME-sample frame. */
  process(frame: Float32Array): Promise<number>;
  /** Forget the recurrent state (new session). */
  reset(): void;
  dispose(): Promise<void>;
}
