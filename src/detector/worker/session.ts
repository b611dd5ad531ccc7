// One listening session inside the worker: capture chunks (native rate) → 16 kHz → level frames,
// VAD + segmentation (utterance mode) or a sliding window (continuous mode) → detections.
import Meyda from 'meyda';
import { createStreamResampler, type StreamResampler } from '../../audio/capture/resampler.ts';
import { EnergyVad } from '../../audio/vad/energy.ts';
import { Segmenter, type SegmentEvent } from '../../audio/vad/segmenter.ts';
import { VAD_FRAME, VAD_RATE, type FrameVad } from '../../audio/vad/types.ts';
import type { DetectionEngine, SessionSnapshot } from '../engine.ts';
import { serializeError } from '../errors.ts';
import type { FromWorker, ListenRequest } from '../protocol.ts';
import type { Detection, LevelFrame } from '../types.ts';
import { SampleRing } from './ring.ts';

export type SessionOptions = ListenRequest;

type Post = (msg: FromWorker, transfer?: Transferable[]) => void;

const RING_SEC = 30;
/** Continuous mode, speaker-normalised models: a hop joins the session's statistics only when the
 *  energy gate heard at least this many 32 ms frames of speech in it (~0.25 s). */
const GATE_MIN_FRAMES = 8;

/** A speculative run's session snapshot, filled in just before it runs, to undo it if the guess was wrong. */
interface Undo {
  snapshot: SessionSnapshot | null;
}

export class ListenSession {
  private resampler: StreamResampler | null = null;
  private readonly ring = new SampleRing(RING_SEC * VAD_RATE);
  private readonly frame = new Float32Array(VAD_FRAME);
  private frameFill = 0;
  private readonly segmenter = new Segmenter();
  private chain: Promise<void> = Promise.resolve();
  private detecting: Promise<void> = Promise.resolve();
  private busy = false;
  private spec: { from: number; to: number; result: Promise<Detection | null>; undo: Undo } | null = null;
  private specRunning = false;
  /** When each chunk's last 16 kHz sample arrived (latency is measured from the utterance's last sample). */
  private readonly arrivals: Array<{ end: number; at: number }> = [];
  /** A continuous-mode hop fell due while a detection ran: run the newest window as soon as it ends. */
  private hopPending = false;
  private lastHopEnd = 0;
  private paused = false;
  private closed = false;
  /** Continuous mode with a speaker-normalised model: a cheap speech gate deciding which hops adapt the
   *  session's statistics (windows overlap, and room noise between sentences is no voice to adapt to). */
  private readonly gate: EnergyVad | null;
  private gateSpeechFrames = 0;
  /** 16 kHz sample up to which continuous windows have been offered to the session's statistics. */
  private countedTo = 0;
  detections = 0;

  constructor(
    private readonly opts: SessionOptions,
    private readonly engine: DetectionEngine,
    readonly vad: FrameVad | null,
    private readonly post: Post,
  ) {
    this.gate = opts.mode === 'continuous' && engine.predictor.manifest.speakerNormalisation ? new EnergyVad() : null;
  }

  async start(): Promise<void> {
    this.resampler = await createStreamResampler(this.opts.sampleRate);
    this.vad?.reset();
    this.opts.port.onmessage = (e: MessageEvent<Float32Array>) => {
      const chunk = e.data;
      this.chain = this.chain.then(() => this.onChunk(chunk)).catch((err: unknown) => this.fail(err));
    };
    this.state('listening');
  }

  private state(state: 'listening' | 'speech' | 'paused', message?: string): void {
    this.post({ type: 'state', id: this.opts.id, event: { state, ...(this.vad ? { vad: this.vad.kind } : {}), ...(message ? { message } : {}) } });
  }

  setPaused(paused: boolean): void {
    this.chain = this.chain.then(() => {
      if (paused && !this.paused) this.handleEvents(this.segmenter.flush());
      this.paused = paused;
      if (paused) this.state('paused', 'Paused while the tab is hidden.');
      else this.state('listening');
    });
  }

  private fail(err: unknown): void {
    this.post({ type: 'stream-error', id: this.opts.id, error: serializeError(err, 'worker-failed') });
  }

  private async onChunk(chunk: Float32Array): Promise<void> {
    if (this.closed || this.paused || !this.resampler) return;
    const x = this.resampler.push(chunk);
    this.ring.write(x);
    this.arrivals.push({ end: this.ring.end, at: performance.now() });
    if (this.arrivals.length > 64) this.arrivals.splice(0, this.arrivals.length - 64); // ~4 s of chunks
    const levels: LevelFrame[] = [];
    for (let i = 0; i < x.length; ) {
      const n = Math.min(x.length - i, VAD_FRAME - this.frameFill);
      this.frame.set(x.subarray(i, i + n), this.frameFill);
      this.frameFill += n;
      i += n;
      if (this.frameFill === VAD_FRAME) {
        this.frameFill = 0;
        const speech = this.vad ? await this.vad.process(this.frame) : Number.NaN;
        if (this.gate && (await this.gate.process(this.frame)) >= 0.5) this.gateSpeechFrames++;
        levels.push(this.level(speech));
        if (this.vad) this.handleEvents(this.segmenter.push(speech));
      }
    }
    if (levels.length) this.post({ type: 'level', id: this.opts.id, frames: levels });
    if (this.opts.mode === 'continuous') this.maybeHop();
  }

  private level(speech: number): LevelFrame {
    Meyda.bufferSize = VAD_FRAME;
    Meyda.sampleRate = VAD_RATE;
    Meyda.melBands = 40;
    const f = Meyda.extract(['rms', 'melBands'], this.frame);
    const rms = f?.rms ?? 0;
    const bands = (f as { melBands?: number[] } | null)?.melBands ?? [];
    const mel = new Float32Array(40);
    for (let b = 0; b < 40; b++) mel[b] = Math.log((bands[b] ?? 0) + 1e-6);
    return { time: this.segmenter.position / VAD_RATE, rmsDb: 20 * Math.log10(rms + 1e-9), mel, speech };
  }

  private handleEvents(events: SegmentEvent[]): void {
    for (const ev of events) {
      if (ev.type === 'start') this.state('speech');
      else if (ev.type === 'candidate') this.speculate(ev.startSample, ev.endSample);
      else {
        this.state('listening');
        if (ev.type === 'end') {
          const spec = this.spec;
          if (spec && spec.from === ev.startSample && spec.to === ev.endSample) {
            this.spec = null;
            this.emitWhenDone(spec.result, ev.endSample);
          } else {
            this.discardSpec();
            this.queue(ev.startSample, ev.endSample, false);
          }
        } else this.discardSpec();
      }
    }
  }

  /** A speculative run that will not be used: its frames joined the session's statistics (the run
   *  normalises like a confirmed one), so restore the statistics before any later run. */
  private discardSpec(): void {
    const spec = this.spec;
    this.spec = null;
    if (!spec) return;
    this.detecting = this.detecting.then(() => this.engine.restoreSession(spec.undo.snapshot));
  }

  /**
   * Starts detecting a candidate utterance during the VAD hangover, so the result is ready (or nearly)
   * when the silence confirms the end. At most one speculative run at a time; a wrong guess costs CPU only.
   */
  private speculate(from: number, to: number): void {
    if (this.specRunning) return;
    this.discardSpec();
    this.specRunning = true;
    const undo: Undo = { snapshot: null };
    const result = this.run(from, to, { undo });
    void result.finally(() => (this.specRunning = false));
    const spec = { from, to, result, undo };
    this.spec = spec;
    // Shown at once: the hangover only decides whether more speech belongs to this utterance.
    const audioEndAt = this.arrivalOf(to);
    void result.then((detection) => {
      if (!detection || this.closed || this.spec !== spec) return;
      this.post({ type: 'provisional', id: this.opts.id, detection, latencyMs: performance.now() - audioEndAt });
    });
  }

  /**
   * Runs one detection after those already queued; null when it failed (the error is posted). The
   * engine normalises with the session's statistics (speaker-normalised models); `undo` receives the
   * statistics from before the run, `addFromSec` limits what joins them (SessionRunOptions).
   */
  private run(from: number, to: number, o: { undo?: Undo; addFromSec?: number } = {}): Promise<Detection | null> {
    const audio = this.ring.read(from, to);
    const result = this.detecting.then(async () => {
      if (this.closed) return null;
      if (o.undo) o.undo.snapshot = this.engine.sessionSnapshot();
      try {
        return await this.engine.run(audio, from / VAD_RATE, to / VAD_RATE, 'session', o.addFromSec !== undefined ? { addFromSec: o.addFromSec } : {});
      } catch (err) {
        this.fail(err);
        return null;
      }
    });
    this.detecting = result.then(() => undefined);
    return result;
  }

  private emitWhenDone(result: Promise<Detection | null>, endSample: number): void {
    const audioEndAt = this.arrivalOf(endSample);
    void result.then((detection) => {
      if (!detection || this.closed) return;
      this.detections++;
      this.post({ type: 'detection', id: this.opts.id, detection, latencyMs: performance.now() - audioEndAt });
    });
  }

  /** Wall-clock time (performance.now) at which 16 kHz sample `s` reached the worker. */
  private arrivalOf(s: number): number {
    for (const a of this.arrivals) if (a.end >= s) return a.at;
    return performance.now();
  }

  private maybeHop(): void {
    const hop = Math.round(this.opts.hopSec * VAD_RATE);
    const end = this.ring.end;
    // The first update comes after one hop (a shorter window), then every hop, on a fixed grid of audio time.
    if (end - this.lastHopEnd < hop) return;
    this.lastHopEnd = end - ((end - this.lastHopEnd) % hop);
    this.queue(Math.max(0, end - Math.round(this.opts.windowSec * VAD_RATE)), end, true);
  }

  /** Utterances queue behind each other; continuous windows coalesce to the newest while one runs. */
  private queue(from: number, to: number, droppable: boolean): void {
    if (droppable && this.busy) {
      this.hopPending = true;
      return;
    }
    this.busy = true;
    const result = this.run(from, to, droppable ? { addFromSec: this.sessionPart(from, to) } : {});
    this.emitWhenDone(result, to);
    void result.then(() => {
      this.busy = false;
      if (this.hopPending && !this.closed && !this.paused) {
        this.hopPending = false;
        const end = this.ring.end;
        const hop = Math.round(this.opts.hopSec * VAD_RATE);
        this.lastHopEnd = end - ((end - this.lastHopEnd) % hop);
        this.queue(Math.max(0, end - Math.round(this.opts.windowSec * VAD_RATE)), end, true);
      }
    });
  }

  /**
   * Continuous mode: seconds into window [from, to) from which its audio is new to the session's
   * statistics (Infinity: none of it joins them, as without a gate or when the gate heard no speech
   * since the last window). Each stretch of audio is offered once, however the windows overlap.
   */
  private sessionPart(from: number, to: number): number {
    const newFrom = Math.max(from, this.countedTo);
    const speech = this.gateSpeechFrames;
    this.gateSpeechFrames = 0;
    this.countedTo = to;
    return this.gate && speech >= GATE_MIN_FRAMES ? (newFrom - from) / VAD_RATE : Infinity;
  }

  async stop(): Promise<void> {
    this.opts.port.onmessage = null;
    await this.chain;
    if (!this.closed && !this.paused) this.handleEvents(this.segmenter.flush());
    this.discardSpec();
    await this.detecting.catch(() => undefined);
    this.closed = true;
    this.opts.port.close();
    this.resampler?.dispose();
    this.resampler = null;
    this.post({ type: 'state', id: this.opts.id, event: { state: 'stopped' } });
  }
}
