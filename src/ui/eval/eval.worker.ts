// One evaluation worker: decodes a clip's file bytes and runs the detector engine (features + model,
// the same code path as the Detector API) on it. The page may start several of these.
import * as tf from '@tensorflow/tfjs';
import { loadAudio } from '../../audio/load.ts';
import { DetectionEngine } from '../../detector/engine.ts';
import { chooseBackend } from '../../detector/worker/backend.ts';
import { EMOTIONS } from '../../model/emotions.ts';
import { downsample, type ClipOutcome, type FromEvalWorker, type ToEvalWorker } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let engine: DetectionEngine | null = null;

const post = (msg: FromEvalWorker, transfer: Transferable[] = []): void => scope.postMessage(msg, transfer);

async function init(msg: Extract<ToEvalWorker, { type: 'init' }>): Promise<void> {
  try {
    // One thread per worker: the page parallelises over clips with several workers, and tfjs-wasm's
    // threaded build breaks once minified (its pthread source is rebuilt from a renamed function).
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const choice = await chooseBackend(msg.backend, msg.wasmPaths);
    engine = await DetectionEngine.create({ model: msg.model, wav2vec2: msg.wav2vec2 ? { model: msg.wav2vec2 } : false });
    const m = engine.predictor.manifest;
    post({
      type: 'ready',
      model: {
        name: m.name,
        arch: m.arch,
        branches: [...m.branches],
        thresholds: EMOTIONS.map((e) => m.thresholds[m.emotions.indexOf(e)] ?? Number.NaN),
        backend: choice.backend,
        backendNotes: choice.notes,
        speakerNormalisation: m.speakerNormalisation !== undefined,
      },
    });
  } catch (error) {
    post({ type: 'init-error', message: error instanceof Error ? error.message : String(error) });
  }
}

async function clip(msg: Extract<ToEvalWorker, { type: 'clip' }>): Promise<void> {
  if (!engine) {
    post({ type: 'clip-error', id: msg.id, code: 'not-ready', message: 'worker has no model loaded' });
    return;
  }
  try {
    const t0 = performance.now();
    const audio = await loadAudio(msg.bytes);
    const decodeMs = performance.now() - t0;
    const durationSec = audio.length / 16000;
    const d = await engine.run(audio, 0, durationSec, msg.normalisation);
    const attention: ClipOutcome['attention'] = {};
    for (const k of ['cr', 'lld', 'w2v'] as const) {
      const a = d.attention[k];
      if (a) attention[k] = downsample(a);
    }
    const outcome: ClipOutcome = {
      probabilities: EMOTIONS.map((e) => d.emotions[e].probability),
      attention,
      durationSec,
      timings: { decodeMs, ...d.timings },
      tensors: tf.memory().numTensors,
      ...(d.normalisation ? { normalisation: d.normalisation } : {}),
    };
    post({ type: 'result', id: msg.id, outcome }, Object.values(attention).map((a) => a.buffer));
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : 'failed';
    post({ type: 'clip-error', id: msg.id, code, message: error instanceof Error ? error.message : String(error) });
  }
}

async function observe(msg: Extract<ToEvalWorker, { type: 'observe' }>): Promise<void> {
  if (!engine) {
    post({ type: 'clip-error', id: msg.id, code: 'not-ready', message: 'worker has no model loaded' });
    return;
  }
  try {
    post({ type: 'observed', id: msg.id, moments: engine.observe(await loadAudio(msg.bytes)) });
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : 'failed';
    post({ type: 'clip-error', id: msg.id, code, message: error instanceof Error ? error.message : String(error) });
  }
}

// Messages are handled one at a time: the page sends the next clip only after this one's answer.
scope.onmessage = (e: MessageEvent<ToEvalWorker>): void => {
  const msg = e.data;
  if (msg.type === 'init') void init(msg);
  else if (msg.type === 'observe') void observe(msg);
  else void clip(msg);
};
