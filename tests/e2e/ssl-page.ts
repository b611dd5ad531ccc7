// Test page for tests/e2e/ssl*.test.ts: drives the real src/ssl encoder in Chromium.
import { Wav2Vec2Encoder, type Wav2Vec2LoadOptions } from '../../src/ssl/encoder.ts';
import { SslError } from '../../src/ssl/errors.ts';

export interface PageRun {
  ok: boolean;
  code?: string;
  message?: string;
  info?: Wav2Vec2Encoder['info'];
  frames?: number;
  hidden?: number;
  data?: number[];
  encodeMs?: number[];
  crossOriginIsolated: boolean;
}

async function runSsl(opts: Wav2Vec2LoadOptions, audio: number[] | { url: string }, repeats = 1): Promise<PageRun> {
  try {
    const enc = await Wav2Vec2Encoder.load(opts);
    try {
      const samples = Array.isArray(audio) ? new Float32Array(audio) : new Float32Array(await (await fetch(audio.url)).arrayBuffer());
      const encodeMs: number[] = [];
      let out = await enc.encode(samples);
      for (let i = 0; i < repeats; i++) {
        const t0 = performance.now();
        out = await enc.encode(samples);
        encodeMs.push(performance.now() - t0);
      }
      return { ok: true, info: enc.info, frames: out.frames, hidden: out.hidden, data: Array.from(out.data), encodeMs, crossOriginIsolated };
    } finally {
      await enc.dispose();
    }
  } catch (err) {
    return {
      ok: false,
      code: err instanceof SslError ? err.code : 'unexpected',
      message: err instanceof Error ? err.message : String(err),
      crossOriginIsolated,
    };
  }
}

async function gpuInfo(): Promise<{ adapter: boolean; shaderF16: boolean }> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ features: { has(f: string): boolean } } | null> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter() : null;
  return { adapter: adapter !== null, shaderF16: adapter?.features.has('shader-f16') ?? false };
}

/** Same as runSsl (one encode), but inside a module Web Worker as the detector does it. */
function runSslInWorker(opts: Wav2Vec2LoadOptions, audio: number[]): Promise<PageRun> {
  const worker = new Worker(new URL('./ssl-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<PageRun>((resolve, reject) => {
    worker.onmessage = (ev: MessageEvent<PageRun>) => resolve(ev.data);
    worker.onerror = (ev) => reject(new Error(ev.message));
    worker.postMessage({ opts, audio: new Float32Array(audio) });
  }).finally(() => worker.terminate());
}

Object.assign(globalThis, { runSsl, runSslInWorker, gpuInfo });
document.getElementById('state')!.textContent = 'ready';
