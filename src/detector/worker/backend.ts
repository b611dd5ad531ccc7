// tfjs backend choice inside the worker: webgpu → webgl (hardware only) → wasm → cpu.
// A software WebGL (SwiftShader/llvmpipe, e.g. headless Chromium) is slower than wasm, so it is skipped.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName, BackendPreference } from '../types.ts';

export interface BackendChoice {
  backend: BackendName;
  notes: string[];
  /** XNNPACK threads when the backend is wasm (1 = single-threaded build or no isolation). */
  wasmThreads?: number;
}

async function webgpuUsable(): Promise<string | null> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return 'WebGPU: not available in this browser/worker';
  const adapter = await gpu.requestAdapter().catch(() => null);
  return adapter ? null : 'WebGPU: no adapter';
}

function webglUsable(): string | null {
  if (typeof OffscreenCanvas === 'undefined') return 'WebGL: no OffscreenCanvas in workers';
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return 'WebGL: no WebGL2 context in the worker';
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  if (/swiftshader|llvmpipe|software/i.test(renderer)) return `WebGL: software renderer (${renderer}), wasm is faster`;
  return null;
}

async function trySet(name: BackendName): Promise<string | null> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return `${name}: initialisation failed`;
    await tf.ready();
    return null;
  } catch (err) {
    return `${name}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Points tfjs-backend-wasm at same-origin binaries (never a CDN), then picks a backend. */
export async function chooseBackend(pref: BackendPreference, wasmFiles: Record<string, string>, wasmThreads?: number): Promise<BackendChoice> {
  setWasmPaths(wasmFiles);
  if (wasmThreads !== undefined) setThreadsCount(wasmThreads);
  // Single-threaded SIMD: tfjs-wasm's threaded build fails in minified builds (its pthread worker source
  // is rebuilt from a function whose outer names the minifier renamed: "e is not defined"), and whether a
  // build is minified cannot be told from import.meta.env (a build run under NODE_ENV=test is not PROD).
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const notes: string[] = [];
  const order: BackendName[] = pref === 'auto' ? ['webgpu', 'webgl', 'wasm', 'cpu'] : [pref, 'wasm', 'cpu'];
  for (const name of order) {
    let why: string | null = null;
    if (name === 'webgpu') why = await webgpuUsable();
    else if (name === 'webgl') why = webglUsable();
    if (why === null) why = await trySet(name);
    if (why === null) return name === 'wasm' ? { backend: name, notes, wasmThreads: getThreadsCount() } : { backend: name, notes };
    notes.push(why);
  }
  throw new Error(`no tfjs backend could start: ${notes.join('; ')}`);
}
