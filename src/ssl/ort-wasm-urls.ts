// Browser only: onnxruntime-web's WASM runtime files, served by the app itself (Vite emits them as assets in
// the build and serves them from node_modules in dev). transformers.js's web build uses the asyncify variant.
import mjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import wasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

export const ORT_WASM_PATHS = { mjs, wasm };
