// The widget's only dependency on the Detector API. Loaded lazily, so the element itself registers
// instantly and the model, tfjs and the worker are fetched on the first start().
import type { Detection, ListenMode } from '../../detector/types.ts';
import { priorSeconds } from '../shared/adaptation.ts';

/** What the widget's `detection` event carries: the Detector API's Detection (plus its latency). */
export type WidgetDetection = Detection & { latencyMs?: number };

export interface WidgetSession {
  close(): void;
}

export interface ListenCallbacks {
  onDetection(d: WidgetDetection): void;
  /** Utterance mode: the result as soon as speech pauses, before the end is confirmed (painted only). */
  onProvisional?(d: WidgetDetection): void;
  onError(error: Error): void;
}

/** A loaded detector, kept across stop/start so a restart does not reload the model. */
export interface WidgetDetector {
  /** model + wav2vec2 URLs it was loaded for. */
  readonly key: string;
  /** Seconds of speech the training prior counts as (speaker-normalised models), else null. */
  readonly priorSec: number | null;
  listen(stream: MediaStream, mode: ListenMode, callbacks: ListenCallbacks): Promise<WidgetSession>;
  /** Forget the speech statistics gathered so far (speaker-normalised models; no-op otherwise). */
  resetSession(): Promise<void>;
  dispose(): void;
}

export const detectorKey = (model: string, wav2vec2?: string): string => `${model}\n${wav2vec2 ?? ''}`;

export async function loadDetector(model: string, wav2vec2?: string): Promise<WidgetDetector> {
  const { Detector } = await import('../../detector/index.ts');
  const detector = await Detector.create({ model, wav2vec2: wav2vec2 ? { model: wav2vec2 } : false });
  return {
    key: detectorKey(model, wav2vec2),
    priorSec: priorSeconds(detector.info.manifest),
    async listen(stream, mode, callbacks): Promise<WidgetSession> {
      const listening = await detector.listen(stream, { mode });
      let closed = false;
      listening.addEventListener('detection', (e) => {
        if (!closed) callbacks.onDetection(e.detail);
      });
      listening.addEventListener('provisional', (e) => {
        if (!closed) callbacks.onProvisional?.(e.detail);
      });
      listening.addEventListener('error', (e) => {
        if (!closed) callbacks.onError(e.detail);
      });
      return {
        close(): void {
          if (closed) return;
          closed = true;
          void listening.stop().catch(() => undefined);
        },
      };
    },
    resetSession(): Promise<void> {
      return detector.resetSession();
    },
    dispose(): void {
      void detector.dispose().catch(() => undefined);
    },
  };
}
