// Device and dtype choice: WebGPU when an adapter exists (fp16 only with shader-f16 and a model_fp16.onnx),
// else WASM (q8 when the folder ships model_quantized.onnx), fp32 otherwise; Node runs onnxruntime-node's CPU.
import { SslError } from './errors.ts';

export type DeviceRequest = 'auto' | 'webgpu' | 'wasm' | 'cpu';
export type DtypeRequest = 'auto' | 'fp32' | 'fp16' | 'q8';
export type Device = 'webgpu' | 'wasm' | 'cpu';
export type Dtype = 'fp32' | 'fp16' | 'q8';

/** What the runtime offers, probed once per load; injectable for tests. */
export interface Capabilities {
  node: boolean;
  webgpu: boolean;
  shaderF16: boolean;
}

/** ONNX file, relative to the model folder, for each dtype (transformers.js naming). */
export const ONNX_FILES: Record<Dtype, string> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
};

interface GpuLike {
  requestAdapter(): Promise<{ features: { has(name: string): boolean } } | null>;
}

export async function probeCapabilities(node: boolean): Promise<Capabilities> {
  if (node) return { node, webgpu: false, shaderF16: false };
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { node, webgpu: false, shaderF16: false };
  try {
    const adapter = await gpu.requestAdapter();
    return { node, webgpu: adapter !== null, shaderF16: adapter?.features.has('shader-f16') ?? false };
  } catch {
    return { node, webgpu: false, shaderF16: false };
  }
}

export function chooseDevice(request: DeviceRequest, caps: Capabilities): Device {
  if (caps.node) {
    if (request === 'auto' || request === 'cpu') return 'cpu';
    throw new SslError('device-unavailable', `wav2vec2: device "${request}" is browser-only; Node runs on "cpu" (onnxruntime-node)`);
  }
  switch (request) {
    case 'auto':
      return caps.webgpu ? 'webgpu' : 'wasm';
    case 'webgpu':
      if (!caps.webgpu) throw new SslError('device-unavailable', 'wav2vec2: WebGPU requested but no GPU adapter is available');
      return 'webgpu';
    case 'wasm':
      return 'wasm';
    case 'cpu':
      throw new SslError('device-unavailable', 'wav2vec2: device "cpu" exists only in Node; use "wasm" or "webgpu" in the browser');
  }
}

/** `has(file)` says whether the model folder ships that ONNX file. */
export async function chooseDtype(
  request: DtypeRequest,
  device: Device,
  caps: Capabilities,
  has: (file: string) => Promise<boolean>,
): Promise<Dtype> {
  if (request === 'auto') {
    if (device === 'webgpu' && caps.shaderF16 && (await has(ONNX_FILES.fp16))) return 'fp16';
    if (device === 'wasm' && (await has(ONNX_FILES.q8))) return 'q8';
    return 'fp32';
  }
  if (request === 'fp16' && device === 'webgpu' && !caps.shaderF16) {
    throw new SslError('device-unavailable', 'wav2vec2: fp16 requested but the WebGPU adapter lacks shader-f16');
  }
  if (!(await has(ONNX_FILES[request]))) {
    throw new SslError('model-missing', `wav2vec2: dtype "${request}" requested but the model folder has no ${ONNX_FILES[request]}`);
  }
  return request;
}
