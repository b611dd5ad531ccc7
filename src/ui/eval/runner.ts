// Runs the detector over many clips in a pool of workers: one clip in flight per worker, so memory
// holds at most `workers` clips' bytes at once whatever the corpus size, and the page stays responsive.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendPreference } from '../../detector/types.ts';
import type { SpeakerMoments } from '../../features/speaker-norm.ts';
import type { EvalItem } from './dataset.ts';
import type { ClipNormalisation, ClipOutcome, FromEvalWorker, ModelSummary, ToEvalWorker } from './protocol.ts';
import { itemsToObserve, normalisationPlan, type SpeakerNormMode } from './speakers.ts';

export type ClipStatus = 'ok' | 'error' | 'cancelled';

export interface ClipResult {
  item: EvalItem;
  status: ClipStatus;
  outcome?: ClipOutcome;
  error?: { code: string; message: string };
}

export interface RunOptions {
  /** Model folder URL (resolved against the page). */
  model: string;
  /** wav2vec2 encoder folder URL, needed by models with a wav2vec2 branch. */
  wav2vec2?: string;
  backend: BackendPreference;
  /** Workers to start (each loads its own copy of the model). */
  workers: number;
  /** Models with speaker normalisation: per speaker (default, as `msir eval`) or the training prior only. */
  speakerNorm?: SpeakerNormMode;
  onReady?(model: ModelSummary): void;
  onProgress?(p: Progress): void;
  onResult?(r: ClipResult, index: number): void;
}

export interface Progress {
  /** 'speakers': the first pass gathering each speaker's statistics; 'clips': the detections. */
  phase: 'speakers' | 'clips';
  done: number;
  total: number;
  failed: number;
  elapsedSec: number;
  /** Remaining seconds at the current rate; NaN until the first clip finishes. */
  etaSec: number;
}

/** How the run normalised features (speaker-normalised models only). */
export interface SpeakerNormReport {
  mode: SpeakerNormMode;
  /** Speakers whose own statistics were used. */
  speakers: number;
  /** Clips run with the training prior alone (no speaker id, no scored clip of their speaker, or 'global'). */
  globalClips: number;
}

export interface RunOutcome {
  model: ModelSummary;
  /** Present when the model has speaker normalisation. */
  speakerNorm?: SpeakerNormReport;
  results: ClipResult[];
  cancelled: boolean;
  elapsedSec: number;
}

const WASM_PATHS: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
};

function absolute(url: string): string {
  return new URL(url, document.baseURI).href;
}

export class EvalRun {
  readonly done: Promise<RunOutcome>;
  readonly #items: EvalItem[];
  #workers: Worker[] = [];
  #cancel: (() => void) | null = null;

  constructor(items: EvalItem[], opts: RunOptions) {
    this.#items = items;
    this.done = this.#run(items, opts);
  }

  /** Stop now: workers are terminated, clips not yet finished are marked cancelled. */
  cancel(): void {
    this.#cancel?.();
  }

  async #run(items: EvalItem[], opts: RunOptions): Promise<RunOutcome> {
    const t0 = performance.now();
    const results: ClipResult[] = items.map((item) => ({ item, status: 'cancelled' }));
    let cancelled = false;
    const cancelPromise = new Promise<void>((resolve) => {
      this.#cancel = () => {
        cancelled = true;
        resolve();
      };
    });
    const count = Math.max(1, Math.min(opts.workers, items.length || 1));
    const model = await Promise.race([this.#startWorkers(count, opts), cancelPromise.then(() => null)]);
    if (!model) {
      this.#terminate();
      throw new Error('cancelled while loading the model');
    }
    opts.onReady?.(model);
    const mode = opts.speakerNorm ?? 'speaker';
    let perItem: ClipNormalisation[] | null = null;
    let speakerNorm: SpeakerNormReport | undefined;
    if (model.speakerNormalisation) {
      // First pass: each scored clip's contribution to its speaker's statistics, merged per speaker.
      const observed = new Map<number, SpeakerMoments>();
      if (mode === 'speaker') {
        await this.#pool(itemsToObserve(items, mode), 'speakers', t0, opts, () => cancelled, cancelPromise, async (worker, index, bytes) => {
          const m = await this.#observe(worker, index, bytes);
          if (m) observed.set(index, m);
          return m !== null;
        });
      }
      if (cancelled) {
        this.#terminate();
        return { model, results, cancelled, elapsedSec: (performance.now() - t0) / 1000 };
      }
      const plan = normalisationPlan(items, mode, observed);
      perItem = plan.perItem;
      speakerNorm = { mode, speakers: plan.speakers, globalClips: plan.globalItems };
    }
    await this.#pool(items.map((_, i) => i), 'clips', t0, opts, () => cancelled, cancelPromise, async (worker, index, bytes) => {
      const item = items[index]!;
      const result = await this.#ask(worker, index, bytes, item, perItem?.[index] ?? 'global');
      results[index] = result;
      if (result.status !== 'cancelled') opts.onResult?.(result, index);
      return result.status === 'ok';
    }, (index, error) => {
      const result: ClipResult = { item: items[index]!, status: 'error', error: { code: 'read-failed', message: error } };
      results[index] = result;
      opts.onResult?.(result, index);
    });
    this.#terminate();
    return { model, ...(speakerNorm ? { speakerNorm } : {}), results, cancelled, elapsedSec: (performance.now() - t0) / 1000 };
  }

  /**
   * Runs `task` over the given item indices, one in flight per worker, reading each clip's bytes just
   * before its turn; reports progress. `task` resolves false for a failed clip. Stops early on cancel.
   */
  async #pool(
    indices: number[],
    phase: Progress['phase'],
    t0: number,
    opts: RunOptions,
    isCancelled: () => boolean,
    cancelPromise: Promise<void>,
    task: (worker: Worker, index: number, bytes: Uint8Array) => Promise<boolean>,
    onReadError?: (index: number, message: string) => void,
  ): Promise<void> {
    const items = this.#items;
    const tp = performance.now();
    let next = 0;
    let finished = 0;
    let failed = 0;
    const report = (): void => {
      const elapsedSec = (performance.now() - tp) / 1000;
      const rate = finished / elapsedSec;
      opts.onProgress?.({
        phase,
        done: finished,
        total: indices.length,
        failed,
        elapsedSec: (performance.now() - t0) / 1000,
        etaSec: finished > 0 ? (indices.length - finished) / rate : Number.NaN,
      });
    };
    report();
    const loop = async (worker: Worker): Promise<void> => {
      while (!isCancelled() && next < indices.length) {
        const index = indices[next++]!;
        let ok: boolean | null;
        try {
          const bytes = await items[index]!.file.read();
          if (isCancelled()) break;
          ok = await Promise.race([task(worker, index, bytes), cancelPromise.then(() => null)]);
        } catch (error) {
          onReadError?.(index, error instanceof Error ? error.message : String(error));
          ok = false;
        }
        if (ok === null || isCancelled()) break;
        finished++;
        if (!ok) failed++;
        report();
      }
    };
    await Promise.all(this.#workers.map((w) => loop(w)));
  }

  /** The clip's moments (null when it failed: it then adds nothing, as a clip without features in `msir eval`). */
  #observe(worker: Worker, id: number, bytes: Uint8Array): Promise<SpeakerMoments | null> {
    return new Promise((resolve) => {
      const onMessage = (e: MessageEvent<FromEvalWorker>): void => {
        const msg = e.data;
        if ((msg.type !== 'observed' && msg.type !== 'clip-error') || msg.id !== id) return;
        cleanup();
        resolve(msg.type === 'observed' ? msg.moments : null);
      };
      const onError = (): void => {
        cleanup();
        resolve(null);
      };
      const cleanup = (): void => {
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      const msg: ToEvalWorker = { type: 'observe', id, bytes };
      worker.postMessage(msg, [bytes.buffer]);
    });
  }

  #ask(worker: Worker, id: number, bytes: Uint8Array, item: EvalItem, normalisation: ClipNormalisation): Promise<ClipResult> {
    return new Promise((resolve) => {
      const onMessage = (e: MessageEvent<FromEvalWorker>): void => {
        const msg = e.data;
        if ((msg.type !== 'result' && msg.type !== 'clip-error') || msg.id !== id) return;
        cleanup();
        if (msg.type === 'result') resolve({ item, status: 'ok', outcome: msg.outcome });
        else resolve({ item, status: 'error', error: { code: msg.code, message: msg.message } });
      };
      const onError = (e: ErrorEvent): void => {
        cleanup();
        resolve({ item, status: 'error', error: { code: 'worker-failed', message: e.message || 'the worker crashed' } });
      };
      const cleanup = (): void => {
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      const msg: ToEvalWorker = { type: 'clip', id, bytes, normalisation };
      worker.postMessage(msg, [bytes.buffer]);
    });
  }

  async #startWorkers(count: number, opts: RunOptions): Promise<ModelSummary> {
    const init: ToEvalWorker = {
      type: 'init',
      model: absolute(opts.model),
      wav2vec2: opts.wav2vec2 ? absolute(opts.wav2vec2) : null,
      backend: opts.backend,
      wasmPaths: absoluteMap(WASM_PATHS),
    };
    const ready = Array.from({ length: count }, () => {
      const worker = new Worker(new URL('./eval.worker.ts', import.meta.url), { type: 'module', name: 'msir-eval' });
      this.#workers.push(worker);
      return new Promise<ModelSummary>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent<FromEvalWorker>): void => {
          if (e.data.type === 'ready') resolve(e.data.model);
          else if (e.data.type === 'init-error') reject(new Error(e.data.message));
        };
        worker.onerror = (e: ErrorEvent): void => reject(new Error(e.message || 'the evaluation worker failed to start'));
        worker.postMessage(init);
      });
    });
    try {
      const models = await Promise.all(ready);
      for (const w of this.#workers) {
        w.onmessage = null;
        w.onerror = null;
      }
      return models[0]!;
    } catch (error) {
      this.#terminate();
      throw error;
    }
  }

  #terminate(): void {
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
  }
}

function absoluteMap(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, absolute(v)]));
}
