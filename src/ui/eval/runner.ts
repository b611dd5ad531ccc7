// Runs the detector over many clips in a pool of workers: one clip in flight per worker, so memory
// holds at most `workers` clips' bytes at once whatever the corpus size, and the page stays responsive.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendPreference } from '../../detector/types.ts';
import type { EvalItem } from './dataset.ts';
import type { ClipOutcome, FromEvalWorker, ModelSummary, ToEvalWorker } from './protocol.ts';

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
  onReady?(model: ModelSummary): void;
  onProgress?(p: Progress): void;
  onResult?(r: ClipResult, index: number): void;
}

export interface Progress {
  done: number;
  total: number;
  failed: number;
  elapsedSec: number;
  /** Remaining seconds at the current rate; NaN until the first clip finishes. */
  etaSec: number;
}

export interface RunOutcome {
  model: ModelSummary;
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
  #workers: Worker[] = [];
  #cancel: (() => void) | null = null;

  constructor(items: EvalItem[], opts: RunOptions) {
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
    let next = 0;
    let finished = 0;
    let failed = 0;
    const report = (): void => {
      const elapsedSec = (performance.now() - t0) / 1000;
      const rate = finished / elapsedSec;
      opts.onProgress?.({
        done: finished,
        total: items.length,
        failed,
        elapsedSec,
        etaSec: finished > 0 ? (items.length - finished) / rate : Number.NaN,
      });
    };
    report();
    const loop = async (worker: Worker): Promise<void> => {
      while (!cancelled && next < items.length) {
        const index = next++;
        const item = items[index]!;
        let result: ClipResult;
        try {
          const bytes = await item.file.read();
          if (cancelled) break;
          result = await Promise.race([this.#ask(worker, index, bytes, item), cancelPromise.then(() => null)]).then(
            (r) => r ?? { item, status: 'cancelled' as const },
          );
        } catch (error) {
          result = { item, status: 'error', error: { code: 'read-failed', message: error instanceof Error ? error.message : String(error) } };
        }
        if (result.status === 'cancelled') break;
        results[index] = result;
        finished++;
        if (result.status === 'error') failed++;
        opts.onResult?.(result, index);
        report();
      }
    };
    await Promise.all(this.#workers.map((w) => loop(w)));
    this.#terminate();
    return { model, results, cancelled, elapsedSec: (performance.now() - t0) / 1000 };
  }

  #ask(worker: Worker, id: number, bytes: Uint8Array, item: EvalItem): Promise<ClipResult> {
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
      const msg: ToEvalWorker = { type: 'clip', id, bytes };
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
