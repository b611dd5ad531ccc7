// Local-only transformers.js: never the Hugging Face hub, never a CDN, never a persistent cache that could
// serve stale weights under a matching name.
import { env } from '@huggingface/transformers';

export interface OrtWasmPaths {
  mjs: string;
  wasm: string;
}

let configured = false;

/** True in Node (training, CLI, bench); false in a browser page or worker. */
export const IS_NODE = typeof process !== 'undefined' && process.release?.name === 'node';

/**
 * Idempotent. In the browser `wasmPaths` must be same-origin URLs of onnxruntime-web's WASM files; they
 * replace the jsDelivr URLs transformers.js would otherwise use.
 */
export function configureLocalOnly(wasmPaths?: OrtWasmPaths): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useBrowserCache = false;
  env.useFSCache = false;
  env.useWasmCache = false;
  const wasm = env.backends.onnx.wasm;
  if (wasmPaths && wasm) {
    wasm.wasmPaths = { mjs: wasmPaths.mjs, wasm: wasmPaths.wasm };
    wasm.proxy = false;
  } else if (!IS_NODE && !configured && wasm) {
    const paths = wasm.wasmPaths;
    const leaks = typeof paths === 'string' ? !isSameOrigin(paths) : paths ? !isSameOrigin(String(paths.mjs ?? '')) || !isSameOrigin(String(paths.wasm ?? '')) : true;
    if (leaks) throw new Error('configureLocalOnly: onnxruntime-web WASM paths must be same-origin in the browser');
  }
  configured = true;
}

function isSameOrigin(url: string): boolean {
  if (typeof location === 'undefined') return false;
  try {
    return new URL(url, location.href).origin === location.origin;
  } catch {
    return false;
  }
}
