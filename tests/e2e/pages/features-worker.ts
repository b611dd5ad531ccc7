// Test page for tests/e2e/features-worker.test.ts: starts the real feature worker and runs file bytes
// through it (decode + resample + FeatureExtractor inside the worker).
import { AudioError } from '../../../src/audio/errors.ts';
import { createFeatureWorker, type FeatureWorkerClient } from '../../../src/features/remote.ts';

export interface WorkerRun {
  ok: boolean;
  code?: string;
  message?: string;
  /** The error the page saw was a real AudioError instance. */
  isAudioError?: boolean;
  audio?: number[];
  logmel?: number[];
  logmelFrames?: number;
  lld?: number[];
  lldFrames?: number;
  durationSec?: number;
  /** The page's copy of the input was detached by the transfer (no copy was made). */
  inputDetached?: boolean;
  ms?: number;
}

let client: FeatureWorkerClient | null = null;

async function runFeatureWorker(bytes: number[], opts: { lld?: boolean } = {}): Promise<WorkerRun> {
  client ??= createFeatureWorker();
  const input = new Uint8Array(bytes);
  const t0 = performance.now();
  try {
    const { audio, features } = await client.loadAndExtract(input, { config: { lld: opts.lld ?? true } });
    return {
      ok: true,
      audio: Array.from(audio),
      logmel: Array.from(features.logmel),
      logmelFrames: features.logmelFrames,
      lld: Array.from(features.lld),
      lldFrames: features.lldFrames,
      durationSec: features.durationSec,
      inputDetached: input.byteLength === 0,
      ms: performance.now() - t0,
    };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { ok: false, code: e.code, message: e.message ?? String(err), isAudioError: err instanceof AudioError };
  }
}

Object.assign(globalThis, { runFeatureWorker });
document.getElementById('state')!.textContent = 'ready';
