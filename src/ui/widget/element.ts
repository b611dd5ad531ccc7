// <msir-detector>: the embeddable widget. A thin shell over the Detector API (src/detector): it owns the
// microphone stream and the Shadow DOM, the detector owns features, model and its worker.
import { EMOTIONS, type Emotion } from '../../model/emotions.ts';
import { WIDGET_CSS } from './styles.ts';
import { detectorKey, loadDetector, type WidgetDetection, type WidgetDetector, type WidgetSession } from './detector-link.ts';
import { parseEmotionList, parseMode, type WidgetMode } from './attributes.ts';
import { adaptationText } from '../shared/adaptation.ts';

export type { WidgetMode };

export type WidgetState = 'idle' | 'starting' | 'listening' | 'error';

/** Payload of the `error` event's `detail`. */
export interface WidgetErrorDetail {
  /** Where it failed: getting the microphone, loading the model, or while listening. */
  stage: 'microphone' | 'model' | 'listen';
  message: string;
  error: unknown;
}

const DEFAULT_MODEL = '/models/msir-default/';

export class MsirDetectorElement extends HTMLElement {
  static readonly observedAttributes = ['emotions', 'mode', 'model'];

  readonly #root: ShadowRoot;
  readonly #button: HTMLButtonElement;
  readonly #rec: HTMLElement;
  readonly #recText: HTMLElement;
  readonly #list: HTMLUListElement;
  readonly #message: HTMLElement;
  readonly #adapt: HTMLElement;
  readonly #adaptText: HTMLElement;
  /** Seconds of speech in the session's statistics (speaker-normalised models), null when unknown. */
  #speechSec: number | null = null;
  #state: WidgetState = 'idle';
  #session: WidgetSession | null = null;
  #detector: WidgetDetector | null = null;
  #stream: MediaStream | null = null;
  #last: WidgetDetection | null = null;
  /** Bumped by stop(): a start() still awaiting the microphone or model sees it and backs out. */
  #generation = 0;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = WIDGET_CSS;
    const panel = el('div', 'panel');
    panel.setAttribute('role', 'group');
    panel.setAttribute('aria-label', 'Speech emotion detector');
    const bar = el('div', 'bar');
    this.#button = document.createElement('button');
    this.#button.type = 'button';
    this.#button.className = 'toggle';
    this.#button.addEventListener('click', () => void this.#toggle());
    this.#rec = el('span', 'rec');
    this.#rec.setAttribute('role', 'status');
    this.#rec.setAttribute('aria-live', 'polite');
    const dot = el('span', 'dot');
    dot.setAttribute('aria-hidden', 'true');
    this.#recText = el('span', 'rec-text');
    this.#rec.append(dot, this.#recText);
    bar.append(this.#button, this.#rec);
    this.#list = document.createElement('ul');
    this.#list.className = 'emotions';
    this.#list.setAttribute('aria-label', 'Detected emotions');
    this.#message = el('p', 'message');
    this.#message.setAttribute('aria-live', 'assertive');
    // Speaker-normalised models: how much of the user's speech the statistics hold, and a reset.
    this.#adapt = el('p', 'adapt');
    this.#adapt.hidden = true;
    this.#adaptText = el('span', 'adapt-text');
    const reset = document.createElement('button');
    reset.type = 'button';
    reset.className = 'reset';
    reset.textContent = 'Reset';
    reset.setAttribute('aria-label', 'Reset the adaptation to the voice (a new speaker)');
    reset.addEventListener('click', () => void this.resetSession());
    this.#adapt.append(this.#adaptText, reset);
    panel.append(bar, this.#list, this.#message, this.#adapt);
    this.#root.append(style, panel);
    // No host attribute yet: a constructor that adds one makes document.createElement('msir-detector')
    // throw ("The result must not have attributes"), found by the hostile-host e2e test.
    this.#renderState(false);
  }

  connectedCallback(): void {
    this.#renderRows();
    this.#renderState();
  }

  disconnectedCallback(): void {
    this.stop();
    // The detector goes, and its speech statistics with it: a reconnected element starts a new session.
    this.#detector?.dispose();
    this.#detector = null;
    this.#showAdaptation(null);
  }

  attributeChangedCallback(name: string, oldValue: string | null, newValue: string | null): void {
    if (oldValue === newValue) return;
    if (name === 'emotions') this.#renderRows();
    // Statistics of one model mean nothing to another.
    if (name === 'model') void this.resetSession();
    // A new model or mode only applies to the next start(): restarting behind the user's back would
    // drop audio they are speaking now.
  }

  /** Current state: idle, starting (microphone/model loading), listening, error. */
  get state(): WidgetState {
    return this.#state;
  }

  /** The latest detection, or null before the first one. */
  get lastDetection(): WidgetDetection | null {
    return this.#last;
  }

  get model(): string {
    return this.getAttribute('model') || DEFAULT_MODEL;
  }

  set model(url: string) {
    this.setAttribute('model', url);
  }

  get mode(): WidgetMode {
    return parseMode(this.getAttribute('mode'));
  }

  set mode(mode: WidgetMode) {
    this.setAttribute('mode', mode);
  }

  /** Seconds of speech the speaker normalisation has adapted to since the last reset; null for a model
   *  without speaker normalisation or before the model is loaded. */
  get sessionSpeechSec(): number | null {
    return this.#speechSec;
  }

  /**
   * Forget the statistics of the speech heard so far (a new speaker, microphone or room); models with
   * speaker normalisation start again from the training average. Also done when the element is
   * disconnected or its model changes.
   */
  async resetSession(): Promise<void> {
    const detector = this.#detector;
    if (!detector) return;
    await detector.resetSession();
    if (detector === this.#detector) this.#showAdaptation(detector.priorSec === null ? null : 0);
  }

  /** Open the microphone and start detecting. Resolves once listening; errors are also dispatched. */
  async start(): Promise<void> {
    if (this.#state === 'starting' || this.#state === 'listening') return;
    const generation = ++this.#generation;
    this.#setState('starting', 'Loading model and microphone…');
    let mode: WidgetMode;
    try {
      mode = this.mode;
      parseEmotionList(this.getAttribute('emotions'));
    } catch (error) {
      this.#fail('listen', error);
      return;
    }
    let stream: MediaStream;
    try {
      if (!navigator.mediaDevices?.getUserMedia) {
        throw new Error('this page has no microphone access (needs https or localhost and a browser with getUserMedia)');
      }
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
    } catch (error) {
      if (generation === this.#generation) this.#fail('microphone', error);
      return;
    }
    if (generation !== this.#generation) {
      stopTracks(stream);
      return;
    }
    this.#stream = stream;
    const wav2vec2 = this.getAttribute('wav2vec2') || undefined;
    try {
      if (this.#detector?.key !== detectorKey(this.model, wav2vec2)) {
        this.#detector?.dispose();
        this.#detector = null;
        const loaded = await loadDetector(this.model, wav2vec2);
        if (generation !== this.#generation) {
          // Stopped while loading: keep it for the next start unless that one loaded its own.
          if (this.#detector) loaded.dispose();
          else {
            this.#detector = loaded;
            this.#showAdaptation(loaded.priorSec === null ? null : 0);
          }
          return;
        }
        this.#detector = loaded;
        this.#showAdaptation(loaded.priorSec === null ? null : 0);
      }
    } catch (error) {
      if (generation === this.#generation) this.#fail('model', error);
      return;
    }
    const detector = this.#detector;
    if (!detector) return;
    try {
      const session = await detector.listen(stream, mode, {
        onDetection: (d) => this.#onDetection(d),
        // Painted at once; the 'detection' event waits for the confirmed result, so hosts count each utterance once.
        onProvisional: (d) => this.#paint(d),
        onError: (e) => this.#fail('listen', e),
      });
      if (generation !== this.#generation) {
        session.close();
        return;
      }
      this.#session = session;
    } catch (error) {
      if (generation === this.#generation) this.#fail('listen', error);
      return;
    }
    this.#setState('listening', '');
  }

  /** Stop listening and release the microphone. Safe to call at any time. */
  stop(): void {
    this.#generation++;
    this.#session?.close();
    this.#session = null;
    if (this.#stream) stopTracks(this.#stream);
    this.#stream = null;
    if (this.#state !== 'error') this.#setState('idle', '');
  }

  async #toggle(): Promise<void> {
    if (this.#state === 'listening' || this.#state === 'starting') this.stop();
    else await this.start();
  }

  #onDetection(d: WidgetDetection): void {
    this.#last = d;
    this.#paint(d);
    if (d.normalisation) this.#showAdaptation(d.normalisation.speechSec);
    this.dispatchEvent(new CustomEvent<WidgetDetection>('detection', { detail: d, bubbles: true, composed: true }));
  }

  #paint(d: WidgetDetection): void {
    for (const li of this.#list.querySelectorAll<HTMLLIElement>('li.emotion')) {
      const r = d.emotions[li.dataset.emotion as Emotion];
      const pct = Math.round(r.probability * 100);
      li.classList.toggle('positive', r.positive);
      (li.querySelector('.fill') as HTMLElement).style.width = `${pct}%`;
      (li.querySelector('.value') as HTMLElement).textContent = `${pct}%`;
      const meter = li.querySelector('.meter') as HTMLElement;
      meter.setAttribute('aria-valuenow', String(pct));
      meter.setAttribute('aria-valuetext', `${pct}%, ${r.positive ? 'detected' : 'not detected'}`);
    }
  }

  #showAdaptation(speechSec: number | null): void {
    this.#speechSec = speechSec;
    const priorSec = this.#detector?.priorSec ?? null;
    this.#adapt.hidden = speechSec === null || priorSec === null;
    this.#adaptText.textContent = speechSec === null || priorSec === null ? '' : adaptationText(speechSec, priorSec);
  }

  #fail(stage: WidgetErrorDetail['stage'], error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.#session?.close();
    this.#session = null;
    if (stage === 'listen') {
      // The detector's worker may be gone: load it afresh on the next start().
      this.#detector?.dispose();
      this.#detector = null;
    }
    if (this.#stream) stopTracks(this.#stream);
    this.#stream = null;
    this.#setState('error', `${stageLabel(stage)}: ${message}`);
    const detail: WidgetErrorDetail = { stage, message, error };
    // Not bubbling: a page-wide `error` listener (error trackers) must not mistake it for a script error.
    this.dispatchEvent(new CustomEvent<WidgetErrorDetail>('error', { detail }));
  }

  #setState(state: WidgetState, message: string): void {
    this.#state = state;
    this.#message.textContent = message;
    this.#message.classList.toggle('error', state === 'error');
    this.#message.setAttribute('role', state === 'error' ? 'alert' : 'status');
    this.#renderState();
    this.dispatchEvent(new CustomEvent<WidgetState>('state', { detail: state }));
  }

  #renderState(reflect = true): void {
    const active = this.#state === 'listening' || this.#state === 'starting';
    this.#button.textContent = active ? 'Stop' : 'Start';
    this.#button.setAttribute('aria-pressed', String(active));
    this.#button.setAttribute('aria-label', active ? 'Stop emotion detection' : 'Start emotion detection (uses the microphone)');
    this.#rec.classList.toggle('on', this.#state === 'listening');
    this.#recText.textContent =
      this.#state === 'listening' ? 'Recording' : this.#state === 'starting' ? 'Starting…' : 'Not recording';
    if (reflect) this.setAttribute('data-state', this.#state);
  }

  #renderRows(): void {
    let emotions: Emotion[];
    try {
      emotions = parseEmotionList(this.getAttribute('emotions'));
    } catch (error) {
      this.#message.textContent = error instanceof Error ? error.message : String(error);
      this.#message.classList.add('error');
      emotions = [...EMOTIONS];
    }
    this.#list.replaceChildren(
      ...emotions.map((emotion) => {
        const li = el('li', 'emotion') as HTMLLIElement;
        li.dataset.emotion = emotion;
        const name = el('span', 'name');
        name.textContent = emotion;
        const meter = el('div', 'meter');
        meter.setAttribute('role', 'meter');
        meter.setAttribute('aria-label', `${emotion} probability`);
        meter.setAttribute('aria-valuemin', '0');
        meter.setAttribute('aria-valuemax', '100');
        meter.setAttribute('aria-valuenow', '0');
        meter.append(el('div', 'fill'));
        const value = el('span', 'value');
        value.textContent = '–';
        li.append(name, meter, value);
        return li;
      }),
    );
    if (this.#last) this.#paint(this.#last);
  }
}

function el(tag: string, className: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

function stopTracks(stream: MediaStream): void {
  for (const t of stream.getTracks()) t.stop();
}

function stageLabel(stage: WidgetErrorDetail['stage']): string {
  return stage === 'microphone' ? 'Microphone unavailable' : stage === 'model' ? 'Model failed to load' : 'Detection failed';
}

declare global {
  interface HTMLElementTagNameMap {
    'msir-detector': MsirDetectorElement;
  }
  interface HTMLElementEventMap {
    detection: CustomEvent<WidgetDetection>;
  }
}
