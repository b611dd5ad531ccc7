// Detector worker: owns tfjs, the feature extractor, the model, wav2vec2 and the VAD. Every binary it
// needs (tfjs wasm, onnxruntime wasm, Silero model) is served by this origin; nothing else is fetched.
import * as tf from '@tensorflow/tfjs';
import tfjsWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import tfjsWasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import tfjsWasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import sileroModel from '@ricky0123/vad-web/dist/silero_vad_v5.onnx?url';
import { EnergyVad } from '../../audio/vad/energy.ts';
import type { FrameVad } from '../../audio/vad/types.ts';
import { DetectionEngine, validateAudio } from '../engine.ts';
import { DetectorError, serializeError } from '../errors.ts';
import type { FromWorker, ToWorker, WorkerStats } from '../protocol.ts';
import type { DetectorInfo } from '../types.ts';
import { chooseBackend } from './backend.ts';
import { resample } from '../../audio/resample.ts';
import { loadAudio } from '../../audio/load.ts';
import { ListenSession } from './session.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (msg: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(msg, transfer);

let engine: DetectionEngine | null = null;
let vadPref: 'auto' | 'silero' | 'energy' = 'auto';
/** A VAD no session is using: kept so the next Start does not reload Silero (it is reset per session). */
let idleVad: FrameVad | null = null;
const sessions = new Map<number, ListenSession>();
let detections = 0;

async function createVad(): Promise<{ vad: FrameVad; note?: string }> {
  if (vadPref === 'energy') return { vad: new EnergyVad() };
  try {
    const ort = await import('onnxruntime-web/wasm');
    ort.env.wasm.wasmPaths = { wasm: ortWasm };
    ort.env.wasm.numThreads = 1; // already off the main thread; threads would compete with tfjs
    const res = await fetch(sileroModel);
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${sileroModel}`);
    const { SileroVad } = await import('../../audio/vad/silero.ts');
    return { vad: await SileroVad.create(ort, new Uint8Array(await res.arrayBuffer())) };
  } catch (err) {
    if (vadPref === 'silero') throw err;
    return { vad: new EnergyVad(), note: `Silero VAD unavailable (${(err as Error).message}); using the energy VAD.` };
  }
}

async function releaseVad(vad: FrameVad | null): Promise<void> {
  if (!vad) return;
  if (idleVad) await vad.dispose();
  else idleVad = vad;
}

/** One throw-away detection so JIT and wasm kernels are compiled before the first real utterance. */
async function warmUp(e: DetectionEngine): Promise<void> {
  const x = new Float32Array(16000 * 2);
  let seed = 1;
  for (let i = 0; i < x.length; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    x[i] = (seed / 2 ** 32 - 0.5) * 0.02 + 0.1 * Math.sin((2 * Math.PI * 150 * i) / 16000);
  }
  // 'global': the noise must not join the session's speaker statistics.
  await e.run(x, 0, 2, 'global');
}

function stats(): WorkerStats {
  // With --js-flags=--expose-gc (soak tests) collect first, so the heap figure is live data only.
  (globalThis as { gc?: () => void }).gc?.();
  const mem = tf.memory();
  const perf = performance as Performance & { memory?: { usedJSHeapSize: number } };
  let active = 0;
  for (const s of sessions.values()) active += s.detections;
  return {
    numTensors: mem.numTensors,
    numBytes: mem.numBytes,
    heapBytes: perf.memory?.usedJSHeapSize ?? null,
    detections: detections + active,
    sessionSpeechSec: engine?.sessionSpeechSec ?? 0,
  };
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init': {
      vadPref = msg.vad;
      const choice = await chooseBackend(msg.backend, {
        'tfjs-backend-wasm.wasm': tfjsWasm,
        'tfjs-backend-wasm-simd.wasm': tfjsWasmSimd,
        'tfjs-backend-wasm-threaded-simd.wasm': tfjsWasmThreaded,
      }, msg.wasmThreads);
      engine = await DetectionEngine.create({ model: msg.model, wav2vec2: msg.wav2vec2, ...(msg.runner ? { runner: msg.runner } : {}) });
      await warmUp(engine);
      const w = engine.wav2vec2Info;
      const info: DetectorInfo = {
        backend: choice.backend,
        backendNotes: choice.notes,
        ...(choice.wasmThreads !== undefined ? { wasmThreads: choice.wasmThreads } : {}),
        manifest: engine.predictor.manifest,
        branches: engine.predictor.manifest.branches,
        wav2vec2: w ? { used: true, name: w.name, device: w.device, dtype: w.dtype } : { used: false },
      };
      post({ type: 'ready', id: msg.id, info });
      return;
    }
    case 'detect': {
      if (!engine) throw new DetectorError('worker-failed', 'detector not initialised');
      validateAudio(msg.audio, msg.sampleRate);
      const audio = msg.sampleRate === 16000 ? msg.audio : await resample(msg.audio, msg.sampleRate, 16000);
      // 'session': a dropped file adapts the statistics like an utterance from the microphone.
      const detection = await engine.run(audio, 0, msg.audio.length / msg.sampleRate, 'session');
      detections++;
      post({ type: 'result', id: msg.id, detection });
      return;
    }
    case 'detect-encoded': {
      if (!engine) throw new DetectorError('worker-failed', 'detector not initialised');
      const audio = await loadAudio(msg.bytes);
      const detection = await engine.run(audio, 0, audio.length / 16000, 'session');
      detections++;
      post({ type: 'result', id: msg.id, detection });
      return;
    }
    case 'listen': {
      if (!engine) throw new DetectorError('worker-failed', 'detector not initialised');
      let vad: FrameVad | null = null;
      if (msg.mode === 'utterance') {
        if (idleVad) {
          vad = idleVad;
          idleVad = null;
        } else {
          const made = await createVad();
          vad = made.vad;
          if (made.note) post({ type: 'state', id: msg.id, event: { state: 'starting', vad: vad.kind, message: made.note } });
        }
      }
      const session = new ListenSession(
        { id: msg.id, port: msg.port, sampleRate: msg.sampleRate, mode: msg.mode, windowSec: msg.windowSec, hopSec: msg.hopSec },
        engine,
        vad,
        post,
      );
      sessions.set(msg.id, session);
      await session.start();
      post({ type: 'done', id: msg.id });
      return;
    }
    case 'pause':
      sessions.get(msg.id)?.setPaused(msg.paused);
      return;
    case 'unlisten': {
      const s = sessions.get(msg.session);
      if (s) {
        sessions.delete(msg.session);
        await s.stop();
        detections += s.detections;
        await releaseVad(s.vad);
      }
      post({ type: 'done', id: msg.id });
      return;
    }
    case 'stats':
      post({ type: 'stats', id: msg.id, stats: stats() });
      return;
    case 'reset-session':
      engine?.resetSession();
      post({ type: 'done', id: msg.id });
      return;
    case 'dispose': {
      for (const [id, s] of sessions) {
        sessions.delete(id);
        await s.stop();
        await s.vad?.dispose();
      }
      await idleVad?.dispose();
      idleVad = null;
      await engine?.dispose();
      engine = null;
      post({ type: 'done', id: msg.id });
      return;
    }
  }
}

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  handle(msg).catch((err: unknown) => {
    const fallback = msg.type === 'init' ? 'model-load-failed' : 'worker-failed';
    post({ type: 'error', id: msg.id, error: serializeError(err, fallback) });
  });
};
