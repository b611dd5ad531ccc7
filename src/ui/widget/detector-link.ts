// The widget's only dependency on the Detector API. Loaded lazily, so the element itself registers
// instantly and the model, tfjs and the worker are fetched on the first start().
import type { Detection, ListenMode } from '../../detector/types.ts';

/** What the widget's `detection` event carries: the Detector API's Detection (plus its latency). */
export type WidgetDetection = Detection & { latencyMs?: number };

export interface WidgetSession {
  close(): void;
}

export interface OpenOptions {
  model: string;
  /** wav2vec2 encoder folder URL, for models with a wav2vec2 branch. */
  wav2vec2?: string;
  stream: MediaStream;
  mode: ListenMode;
  onDetection(d: WidgetDetection): void;
  onError(error: Error): void;
}

export async function openDetector(opts: OpenOptions): Promise<WidgetSession> {
  const { Detector } = await import('../../detector/index.ts');
  const detector = await Detector.create({ model: opts.model, wav2vec2: opts.wav2vec2 ? { model: opts.wav2vec2 } : false });
  let closed = false;
  try {
    const listening = await detector.listen(opts.stream, { mode: opts.mode });
    listening.addEventListener('detection', (e) => {
      if (!closed) opts.onDetection(e.detail);
    });
    listening.addEventListener('error', (e) => {
      if (!closed) opts.onError(e.detail);
    });
    return {
      close(): void {
        if (closed) return;
        closed = true;
        void listening
          .stop()
          .catch(() => undefined)
          .finally(() => void detector.dispose().catch(() => undefined));
      },
    };
  } catch (error) {
    await detector.dispose().catch(() => undefined);
    throw error;
  }
}
