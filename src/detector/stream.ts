// DetectionStream: the event stream returned by Detector.listen. Events: 'detection', 'provisional',
// 'level', 'state', 'error' (all CustomEvents). Handles the capture side's problems (device lost, context suspended,
// tab hidden/shown) and forwards the worker's.
import { startCapture, type Capture } from '../audio/capture/capture.ts';
import { CaptureError } from '../audio/capture/errors.ts';
import { DetectorError } from './errors.ts';
import type { Detection, LevelFrame, ListenOptions, StreamStateEvent } from './types.ts';

export interface DetectionEventMap {
  detection: CustomEvent<Detection & { latencyMs: number }>;
  /**
   * Utterance mode: an utterance's result as soon as speech pauses (~100 ms of silence plus the compute),
   * before the VAD's 480 ms hangover confirms the end. If the silence lasts, a 'detection' with the same
   * start, end and numbers follows; if speech resumes, the utterance goes on and its later 'detection'
   * (longer, different numbers) supersedes this one.
   */
  provisional: CustomEvent<Detection & { latencyMs: number }>;
  level: CustomEvent<LevelFrame[]>;
  state: CustomEvent<StreamStateEvent>;
  error: CustomEvent<DetectorError>;
}

/** What the stream needs from its Detector (kept narrow so the two files stay decoupled). */
export interface StreamHost {
  startWorkerSession(port: MessagePort, sampleRate: number, stream: DetectionStream): Promise<number>;
  pauseWorkerSession(id: number, paused: boolean): void;
  stopWorkerSession(id: number): Promise<void>;
}

export class DetectionStream extends EventTarget {
  private capture: Capture | null = null;
  private sessionId: number | null = null;
  private stateNow: StreamStateEvent = { state: 'starting' };
  private readonly onVisibility = (): void => void this.visibilityChanged();

  constructor(
    private readonly host: StreamHost,
    /** Mode, window and hop this stream listens with. */
    readonly options: Required<Pick<ListenOptions, 'mode' | 'windowSec' | 'hopSec'>>,
  ) {
    super();
  }

  /** The latest state event (listeners attached after listen() resolves can start from it). */
  get state(): StreamStateEvent {
    return this.stateNow;
  }

  /** The AudioContext capturing, e.g. to resume it from a click after 'audio-context-suspended'. */
  get audioContext(): AudioContext | null {
    return this.capture?.context ?? null;
  }

  override addEventListener<K extends keyof DetectionEventMap>(
    type: K,
    listener: (ev: DetectionEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options);
  }

  /** @internal */
  async begin(media: MediaStream, audioContext?: AudioContext): Promise<void> {
    this.setState({ state: 'starting' });
    try {
      this.capture = await startCapture(media, {
        ...(audioContext ? { audioContext } : {}),
        onProblem: (err) => this.captureProblem(err),
      });
    } catch (err) {
      throw err instanceof CaptureError ? new DetectorError(err.code, err.message) : err;
    }
    this.sessionId = await this.host.startWorkerSession(this.capture.port, this.capture.sampleRate, this);
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.onVisibility);
  }

  /** @internal — called by the Detector with worker events. */
  emit<K extends keyof DetectionEventMap>(type: K, detail: DetectionEventMap[K]['detail']): void {
    if (type === 'state') this.stateNow = detail as StreamStateEvent;
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  private setState(ev: StreamStateEvent): void {
    this.emit('state', ev);
  }

  private captureProblem(err: CaptureError): void {
    this.emit('error', new DetectorError(err.code, err.message));
    if (err.code === 'device-lost') void this.stop();
    else if (err.code === 'audio-context-suspended') this.setState({ state: 'paused', message: err.message });
  }

  private async visibilityChanged(): Promise<void> {
    if (!this.capture || this.sessionId === null) return;
    if (document.visibilityState === 'hidden') {
      // Hidden tabs get throttled; stop cleanly rather than produce late, bunched detections.
      this.host.pauseWorkerSession(this.sessionId, true);
      await this.capture.suspend().catch(() => undefined);
    } else {
      try {
        await this.capture.resume();
        this.host.pauseWorkerSession(this.sessionId, false);
      } catch {
        this.emit('error', new DetectorError('audio-context-suspended', 'Audio could not restart after the tab came back: click Resume.'));
      }
    }
  }

  /** Resumes after 'audio-context-suspended' or a hidden tab; call it from a click handler. */
  async resume(): Promise<void> {
    if (!this.capture || this.sessionId === null) return;
    await this.capture.resume();
    if (this.capture.context.state !== 'running') {
      throw new DetectorError('audio-context-suspended', 'The browser still blocks audio: click on the page, then Resume.');
    }
    this.host.pauseWorkerSession(this.sessionId, false);
  }

  async stop(): Promise<void> {
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.onVisibility);
    const capture = this.capture;
    const id = this.sessionId;
    this.capture = null;
    this.sessionId = null;
    await capture?.stop();
    if (id !== null) await this.host.stopWorkerSession(id);
    if (this.stateNow.state !== 'stopped') this.setState({ state: 'stopped' });
  }
}
