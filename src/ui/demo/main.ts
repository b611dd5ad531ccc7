// Live demo page: microphone → Detector (worker) → level meter, spectrogram, emotion lanes, attention,
// readouts; plus a file drop that runs the same detector on a local clip.
import { CaptureError, openMicrophone } from '../../audio/capture/errors.ts';
import { Detector, DetectorError, type Detection, type DetectionStream, type ListenMode } from '../../detector/index.ts';
import { EMOTIONS, type Emotion } from '../../model/emotions.ts';
import { AttentionMap, EmotionLanes, LevelMeter, Spectrogram } from './charts.ts';
import { chooseModel } from './model-choice.ts';
import { renderModelCard } from './model-card.ts';
import { describeLevel } from '../../audio/level.ts';
import { adaptationText, priorSeconds } from '../shared/adaptation.ts';

const $ = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} missing from index.html`);
  return e as T;
};

const ui = {
  start: $<HTMLButtonElement>('start'),
  stop: $<HTMLButtonElement>('stop'),
  resume: $<HTMLButtonElement>('resume'),
  mode: $<HTMLSelectElement>('mode'),
  state: $<HTMLSpanElement>('state'),
  status: $<HTMLParagraphElement>('status'),
  message: $<HTMLParagraphElement>('message'),
  latest: $<HTMLTableElement>('latest'),
  readout: $<HTMLParagraphElement>('readout'),
  drop: $<HTMLElement>('drop'),
  file: $<HTMLInputElement>('file'),
  fileResult: $<HTMLDivElement>('file-result'),
  card: $<HTMLDivElement>('model-card'),
  adaptation: $<HTMLParagraphElement>('adaptation'),
  adaptationText: $<HTMLSpanElement>('adaptation-text'),
  resetSession: $<HTMLButtonElement>('reset-session'),
};

/** What the e2e tests and the latency bench read (no audio in here, only results). */
export interface DemoHandle {
  detector: Detector | null;
  /** receivedAt: performance.now() on the main thread when the detection arrived. */
  detections: Array<Detection & { latencyMs?: number; receivedAt: number }>;
  /** Utterance mode: results shown as soon as speech paused, before the VAD confirmed the end. */
  provisional: Array<Detection & { latencyMs: number; receivedAt: number }>;
  /** performance.now() when the detector was ready (cold start: page load → first result possible). */
  readyAt: number | null;
  /** The microphone stream while listening (tests simulate unplugging on its track). */
  media: MediaStream | null;
  errors: Array<{ code: string; message: string }>;
  levelFrames: number;
  fileResult: Detection | null;
  ready: boolean;
}
const handle: DemoHandle = { detector: null, detections: [], provisional: [], media: null, errors: [], levelFrames: 0, fileResult: null, ready: false, readyAt: null };
(window as unknown as { msirDemo: DemoHandle }).msirDemo = handle;

function showMessage(text: string | null, kind: 'error' | 'info' = 'error', code?: string): void {
  ui.message.hidden = !text;
  ui.message.textContent = text ?? '';
  ui.message.dataset['kind'] = kind;
  if (code) ui.message.dataset['code'] = code;
  else delete ui.message.dataset['code'];
}

function reportError(err: unknown): void {
  const code = err instanceof DetectorError || err instanceof CaptureError ? err.code : 'error';
  const message = err instanceof Error ? err.message : String(err);
  handle.errors.push({ code, message });
  showMessage(message, 'error', code);
}

function renderLatest(d: Detection, target: HTMLTableElement, provisional = false): void {
  target.replaceChildren();
  // A provisional result (speech paused, end not yet confirmed) is shown dimmed until it is confirmed.
  target.dataset['provisional'] = String(provisional);
  for (const e of EMOTIONS) {
    const tr = document.createElement('tr');
    const { probability, positive } = d.emotions[e];
    tr.innerHTML = `<th>${e}</th><td>${probability.toFixed(3)}</td><td class="${positive ? 'pos' : ''}">${positive ? 'positive' : 'negative'}</td>`;
    tr.dataset['emotion'] = e;
    tr.dataset['probability'] = String(probability);
    tr.dataset['positive'] = String(positive);
    target.append(tr);
  }
}

async function boot(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const choice = await chooseModel(params);
  const backendParam = params.get('backend');
  const backend = backendParam === 'webgpu' || backendParam === 'webgl' || backendParam === 'wasm' || backendParam === 'cpu' ? backendParam : 'auto';
  const threadsParam = Number(params.get('threads'));
  const wasmThreads = Number.isInteger(threadsParam) && threadsParam > 0 ? threadsParam : undefined;
  // ?runner=layers|graph: how the network runs (benchmarks compare the two; default auto).
  const runnerParam = params.get('runner');
  const runner = runnerParam === 'graph' || runnerParam === 'layers' ? runnerParam : undefined;
  ui.status.textContent = `Loading the model ${choice.model}…`;
  let detector: Detector;
  try {
    detector = await Detector.create({ model: choice.model, wav2vec2: choice.wav2vec2, backend, ...(wasmThreads ? { wasmThreads } : {}), ...(runner ? { runner } : {}) });
  } catch (err) {
    if (choice.wav2vec2 && err instanceof DetectorError && err.code === 'wav2vec2-unavailable') {
      showMessage(`${err.message} Falling back to the default model (without wav2vec2).`, 'info', err.code);
      detector = await Detector.create({ model: '/models/msir-default/', wav2vec2: false, backend, ...(wasmThreads ? { wasmThreads } : {}), ...(runner ? { runner } : {}) });
    } else throw err;
  }
  if (choice.fallback) showMessage(choice.fallback, 'info');
  handle.detector = detector;
  const info = detector.info;
  const w2v = info.wav2vec2.used ? `${info.wav2vec2.name} (${info.wav2vec2.device}, ${info.wav2vec2.dtype})` : `not used (${info.branches.join('+').toUpperCase()} model)`;
  renderModelCard(ui.card, info.manifest, { backend: info.backend, wav2vec2: w2v });
  // Speaker-normalised models adapt to the speech heard so far (file drops and the microphone alike).
  const priorSec = priorSeconds(info.manifest);
  const showAdaptation = (speechSec: number): void => {
    if (priorSec === null) return;
    ui.adaptation.hidden = false;
    ui.adaptationText.textContent = adaptationText(speechSec, priorSec);
    ui.adaptation.dataset['speechSec'] = String(speechSec);
  };
  showAdaptation(0);
  const noteAdaptation = (d: Detection): void => {
    if (d.normalisation) showAdaptation(d.normalisation.speechSec);
  };
  ui.resetSession.addEventListener('click', () => {
    void detector.resetSession().then(() => showAdaptation(0), reportError);
  });
  const thresholds = Object.fromEntries(EMOTIONS.map((e) => [e, info.manifest.thresholds[info.manifest.emotions.indexOf(e)] ?? 0.5])) as Record<Emotion, number>;

  const meter = new LevelMeter($('level'));
  const spectrogram = new Spectrogram($('spectrogram'));
  const lanes = new EmotionLanes($('lanes'), thresholds);
  const attention = new AttentionMap($('attention'));
  let session: DetectionStream | null = null;
  let media: MediaStream | null = null;
  let audioCtx: AudioContext | null = null;
  const latencies: number[] = [];

  const readout = (extra = ''): void => {
    const last = latencies.at(-1);
    const mean = latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : NaN;
    ui.readout.textContent =
      `backend ${info.backend}${info.wasmThreads ? ` (${info.wasmThreads} thread${info.wasmThreads > 1 ? 's' : ''})` : ''}${info.backendNotes.length ? ` (skipped: ${info.backendNotes.join('; ')})` : ''} · branches ${info.branches.join('+')}` +
      (last !== undefined ? ` · latency ${last.toFixed(0)} ms (mean ${mean.toFixed(0)} ms over ${latencies.length})` : '') +
      extra;
  };
  readout();

  const setState = (s: string, vad?: string): void => {
    ui.state.textContent = vad ? `${s} · VAD ${vad}` : s;
    ui.state.dataset['state'] = s;
  };
  setState('idle');

  const stopAll = async (): Promise<void> => {
    const s = session;
    session = null;
    await s?.stop();
    media?.getTracks().forEach((t) => t.stop());
    media = null;
    handle.media = null;
    // Browsers cap the number of live AudioContexts: close ours on every stop.
    await audioCtx?.close().catch(() => undefined);
    audioCtx = null;
    ui.start.disabled = false;
    ui.stop.disabled = true;
    ui.resume.hidden = true;
    ui.mode.disabled = false;
  };

  ui.start.addEventListener('click', async () => {
    showMessage(null);
    ui.start.disabled = true;
    ui.mode.disabled = true;
    // Created inside the click: the autoplay policy lets a gesture start audio.
    const audioContext = new AudioContext({ latencyHint: 'interactive' });
    audioCtx = audioContext;
    try {
      media = await openMicrophone();
      handle.media = media;
      const mode = ui.mode.value as ListenMode;
      lanes.clear();
      session = await detector.listen(media, { mode, audioContext });
      ui.stop.disabled = false;
      session.addEventListener('level', (ev) => {
        const frames = ev.detail;
        handle.levelFrames += frames.length;
        spectrogram.push(frames);
        const last = frames.at(-1);
        if (last) meter.draw(last.rmsDb, last.speech);
      });
      session.addEventListener('state', (ev) => {
        setState(ev.detail.state, ev.detail.vad);
        if (ev.detail.message) showMessage(ev.detail.message, 'info');
        else if (ev.detail.state === 'listening' && ui.message.dataset['kind'] === 'info' && ui.message.textContent?.startsWith('Paused')) showMessage(null);
      });
      setState(session.state.state, session.state.vad);
      session.addEventListener('detection', (ev) => {
        const d = ev.detail;
        handle.detections.push({ ...d, receivedAt: performance.now() });
        // Keep a bounded history (the lanes show the last minute): long sessions stay flat in memory.
        if (handle.detections.length > 400) handle.detections.splice(0, 100);
        latencies.push(d.latencyMs);
        if (latencies.length > 100) latencies.shift();
        noteAdaptation(d);
        // A silent window (continuous mode over a pause) has no emotion to show.
        if (d.signal.silent) {
          readout(' · no speech in the last window');
          return;
        }
        lanes.add(d);
        attention.draw(d);
        renderLatest(d, ui.latest);
        readout(` · features ${d.timings.featuresMs.toFixed(0)} ms, model ${d.timings.modelMs.toFixed(0)} ms${d.timings.sslMs > 0.5 ? `, wav2vec2 ${d.timings.sslMs.toFixed(0)} ms` : ''}`);
      });
      session.addEventListener('provisional', (ev) => {
        const d = ev.detail;
        handle.provisional.push({ ...d, receivedAt: performance.now() });
        if (handle.provisional.length > 400) handle.provisional.splice(0, 100);
        if (!d.signal.silent) renderLatest(d, ui.latest, true);
      });
      session.addEventListener('error', (ev) => {
        reportError(ev.detail);
        if (ev.detail.code === 'audio-context-suspended') ui.resume.hidden = false;
        if (ev.detail.code === 'device-lost') void stopAll();
      });
      ui.status.textContent = mode === 'utterance' ? 'Listening: speak a sentence, pause, and the result appears.' : `Listening: results update about every ${session.options.hopSec} s.`;
    } catch (err) {
      reportError(err);
      await stopAll();
    }
  });

  ui.stop.addEventListener('click', () => {
    void stopAll().then(() => {
      setState('stopped');
      ui.status.textContent = 'Stopped.';
    });
  });

  ui.resume.addEventListener('click', async () => {
    try {
      await session?.resume();
      ui.resume.hidden = true;
      showMessage(null);
    } catch (err) {
      reportError(err);
    }
  });

  const runFile = async (file: File): Promise<void> => {
    showMessage(null);
    ui.fileResult.textContent = `Analysing ${file.name}…`;
    try {
      const d = await detector.detectEncoded(new Uint8Array(await file.arrayBuffer()));
      handle.fileResult = d;
      noteAdaptation(d);
      const table = document.createElement('table');
      table.className = 'latest';
      renderLatest(d, table);
      const head = document.createElement('p');
      head.textContent = `${file.name}: ${d.end.toFixed(2)} s, features ${d.timings.featuresMs.toFixed(0)} ms, model ${d.timings.modelMs.toFixed(0)} ms`;
      const levelNote = describeLevel(d.signal);
      if (levelNote) {
        // Silence has no emotion to judge: say so instead of showing the model's guesses.
        const note = document.createElement('p');
        note.className = 'level-note';
        note.setAttribute('role', 'status');
        note.textContent = levelNote;
        ui.fileResult.replaceChildren(head, note, ...(d.signal.silent ? [] : [table]));
      } else {
        ui.fileResult.replaceChildren(head, table);
      }
      ui.fileResult.dataset['probabilities'] = JSON.stringify(EMOTIONS.map((e) => d.emotions[e].probability));
      attention.draw(d);
    } catch (err) {
      ui.fileResult.textContent = '';
      reportError(err);
    }
  };
  ui.file.addEventListener('change', () => {
    const f = ui.file.files?.[0];
    if (f) void runFile(f);
  });
  ui.drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    ui.drop.classList.add('over');
  });
  ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
  ui.drop.addEventListener('drop', (e) => {
    e.preventDefault();
    ui.drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) void runFile(f);
  });

  ui.start.disabled = false;
  ui.status.textContent = 'Ready. Press Start and allow the microphone, or drop a clip below.';
  handle.ready = true;
  handle.readyAt = performance.now();
}

boot().catch((err: unknown) => {
  reportError(err);
  ui.status.textContent = 'The detector could not start.';
  ui.card.textContent = 'No model loaded.';
});
