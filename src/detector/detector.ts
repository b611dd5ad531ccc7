// Detector: the main-thread face of the worker that runs features, wav2vec2 and the model.
import { DetectorError, deserializeError } from './errors.ts';
import type { FromWorker, ToWorker, WorkerStats } from './protocol.ts';
import { DetectionStream, type StreamHost } from './stream.ts';
import type { Detection, DetectorInfo, DetectorOptions, ListenOptions } from './types.ts';

type Pending = { resolve: (msg: FromWorker) => void; reject: (err: DetectorError) => void };

/** Resolves a model URL against the page, keeping the trailing slash the worker appends files to. */
function absoluteFolder(url: string): string {
  const abs = new URL(url, globalThis.location?.href ?? 'http://localhost/').href;
  return abs.endsWith('/') ? abs : `${abs}/`;
}

export class Detector implements StreamHost {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly streams = new Map<number, DetectionStream>();
  private disposed = false;

  private constructor(
    private readonly worker: Worker,
    /** Backend, model manifest and branches in use. */
    public info: DetectorInfo,
  ) {}

  static async create(opts: DetectorOptions): Promise<Detector> {
    if (typeof Worker === 'undefined') throw new DetectorError('unsupported', 'This browser has no Web Workers.');
    const worker = new Worker(new URL('./worker/entry.ts', import.meta.url), { type: 'module', name: 'msir-detector' });
    const det = new Detector(worker, null as unknown as DetectorInfo);
    worker.onmessage = (e: MessageEvent<FromWorker>) => det.onMessage(e.data);
    worker.onerror = (e: ErrorEvent) => det.crash(`the detector worker failed: ${e.message || 'script error'}`);
    const wav2vec2 = opts.wav2vec2 ? { ...opts.wav2vec2, model: absoluteFolder(opts.wav2vec2.model) } : false;
    try {
      const ready = await det.request({
        type: 'init',
        id: 0,
        model: absoluteFolder(opts.model),
        wav2vec2,
        backend: opts.backend ?? 'auto',
        vad: opts.vad ?? 'auto',
        ...(opts.wasmThreads !== undefined ? { wasmThreads: opts.wasmThreads } : {}),
        ...(opts.runner ? { runner: opts.runner } : {}),
      });
      if (ready.type !== 'ready') throw new DetectorError('worker-failed', `unexpected ${ready.type} reply to init`);
      det.info = ready.info;
      return det;
    } catch (err) {
      worker.terminate();
      throw err;
    }
  }

  private crash(message: string): void {
    const err = new DetectorError('worker-failed', message);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const s of this.streams.values()) s.emit('error', err);
  }

  private onMessage(msg: FromWorker): void {
    switch (msg.type) {
      case 'detection':
        this.streams.get(msg.id)?.emit('detection', { ...msg.detection, latencyMs: msg.latencyMs });
        break;
      case 'provisional':
        this.streams.get(msg.id)?.emit('provisional', { ...msg.detection, latencyMs: msg.latencyMs });
        return;
      case 'level':
        this.streams.get(msg.id)?.emit('level', msg.frames);
        return;
      case 'state':
        this.streams.get(msg.id)?.emit('state', msg.event);
        return;
      case 'stream-error':
        this.streams.get(msg.id)?.emit('error', deserializeError(msg.error));
        return;
      default: {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.type === 'error') p.reject(deserializeError(msg.error));
        else p.resolve(msg);
      }
    }
  }

  private request(msg: ToWorker, transfer: Transferable[] = []): Promise<FromWorker> {
    if (this.disposed) return Promise.reject(new DetectorError('disposed', 'The detector has been disposed.'));
    const id = this.nextId++;
    const withId = { ...msg, id } as ToWorker;
    return new Promise<FromWorker>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(withId, transfer);
    });
  }

  /**
   * Detects emotions in one clip. `audio` is mono at `sampleRate`; it is copied (the caller keeps it) and
   * resampled to 16 kHz in the worker when needed.
   */
  async detect(audio: Float32Array, sampleRate: number): Promise<Detection> {
    if (!(audio instanceof Float32Array)) throw new DetectorError('bad-input', 'audio must be a Float32Array.');
    const copy = audio.slice();
    const reply = await this.request({ type: 'detect', id: 0, audio: copy, sampleRate }, [copy.buffer]);
    if (reply.type !== 'result') throw new DetectorError('worker-failed', `unexpected ${reply.type} reply to detect`);
    return reply.detection;
  }

  /**
   * Detects emotions in an encoded clip (WAV or FLAC bytes, e.g. a dropped file). Decoding and resampling
   * run in the worker with the same loadAudio() the CLI uses. The bytes are copied.
   */
  async detectEncoded(bytes: Uint8Array): Promise<Detection> {
    if (!(bytes instanceof Uint8Array)) throw new DetectorError('bad-input', 'bytes must be a Uint8Array.');
    const copy = bytes.slice();
    const reply = await this.request({ type: 'detect-encoded', id: 0, bytes: copy }, [copy.buffer]);
    if (reply.type !== 'result') throw new DetectorError('worker-failed', `unexpected ${reply.type} reply to detectEncoded`);
    return reply.detection;
  }

  /** Listens to a microphone stream; see DetectionStream for the events. */
  async listen(stream: MediaStream, opts: ListenOptions): Promise<DetectionStream> {
    if (this.disposed) throw new DetectorError('disposed', 'The detector has been disposed.');
    const windowSec = opts.windowSec ?? 3;
    // 0.4 s: 2.5 updates/s; a 3 s window costs ~20 ms of model time on the graph runner, so 2 cores keep up.
    const hopSec = opts.hopSec ?? 0.4;
    if (!(windowSec >= 0.5 && windowSec <= 30 && hopSec > 0 && hopSec <= windowSec)) {
      throw new DetectorError('bad-input', `continuous mode needs 0.5 ≤ windowSec ≤ 30 and 0 < hopSec ≤ windowSec (got ${windowSec}, ${hopSec}).`);
    }
    if (opts.mode !== 'utterance' && opts.mode !== 'continuous') {
      throw new DetectorError('bad-input', `mode must be 'utterance' or 'continuous', got ${String(opts.mode)}.`);
    }
    const s = new DetectionStream(this, { mode: opts.mode, windowSec, hopSec });
    await s.begin(stream, opts.audioContext);
    return s;
  }

  /** @internal StreamHost */
  async startWorkerSession(port: MessagePort, sampleRate: number, stream: DetectionStream): Promise<number> {
    const o = stream.options;
    const id = this.nextId; // the request below takes this id
    this.streams.set(id, stream);
    try {
      await this.request({ type: 'listen', id: 0, port, sampleRate, mode: o.mode, windowSec: o.windowSec, hopSec: o.hopSec }, [port]);
    } catch (err) {
      this.streams.delete(id);
      throw err;
    }
    return id;
  }

  /** @internal StreamHost */
  pauseWorkerSession(id: number, paused: boolean): void {
    this.worker.postMessage({ type: 'pause', id, paused } satisfies ToWorker);
  }

  /** @internal StreamHost */
  async stopWorkerSession(id: number): Promise<void> {
    this.streams.delete(id);
    if (this.disposed) return;
    await this.request({ type: 'unlisten', id: 0, session: id });
  }

  /**
   * Starts a new session for a model with speaker normalisation (`info.manifest.speakerNormalisation`):
   * detect() and listen() normalise every clip or utterance with running statistics of the speech heard
   * since the last reset, so call this when the speaker, microphone or room changes. No effect for other
   * models. Detections already queued in the worker may still use the old statistics.
   */
  async resetSession(): Promise<void> {
    const reply = await this.request({ type: 'reset-session', id: 0 });
    if (reply.type !== 'done') throw new DetectorError('worker-failed', `unexpected ${reply.type} reply to resetSession`);
  }

  /** Tensor count, tensor bytes and JS heap inside the worker (soak tests, diagnostics). */
  async stats(): Promise<WorkerStats> {
    const reply = await this.request({ type: 'stats', id: 0 });
    if (reply.type !== 'stats') throw new DetectorError('worker-failed', `unexpected ${reply.type} reply to stats`);
    return reply.stats;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    for (const s of [...this.streams.values()]) await s.stop();
    try {
      await this.request({ type: 'dispose', id: 0 });
    } finally {
      this.disposed = true;
      this.worker.terminate();
    }
  }
}
