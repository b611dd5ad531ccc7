// Device/dtype policy: WebGPU when an adapter exists, fp16 only with shader-f16, q8 on WASM when shipped.
import { describe, expect, it } from 'vitest';
import { chooseDevice, chooseDtype, type Capabilities } from '../../src/ssl/device.ts';

const browser = (webgpu: boolean, shaderF16 = false): Capabilities => ({ node: false, webgpu, shaderF16 });
const files = (...present: string[]) => async (f: string) => present.includes(f);

describe('chooseDevice', () => {
  it('auto picks WebGPU when an adapter exists, else WASM, and CPU in Node', () => {
    expect(chooseDevice('auto', browser(true))).toBe('webgpu');
    expect(chooseDevice('auto', browser(false))).toBe('wasm');
    expect(chooseDevice('auto', { node: true, webgpu: false, shaderF16: false })).toBe('cpu');
  });
  it('explicit requests that cannot run fail clearly', () => {
    expect(() => chooseDevice('webgpu', browser(false))).toThrow(/no GPU adapter/);
    expect(() => chooseDevice('cpu', browser(true))).toThrow(/only in Node/);
    expect(() => chooseDevice('wasm', { node: true, webgpu: false, shaderF16: false })).toThrow(/browser-only/);
  });
});

describe('chooseDtype', () => {
  it('auto: fp16 needs shader-f16 and model_fp16.onnx; q8 on WASM when shipped; else fp32', async () => {
    const all = files('onnx/model.onnx', 'onnx/model_fp16.onnx', 'onnx/model_quantized.onnx');
    expect(await chooseDtype('auto', 'webgpu', browser(true, true), all)).toBe('fp16');
    expect(await chooseDtype('auto', 'webgpu', browser(true, false), all)).toBe('fp32');
    expect(await chooseDtype('auto', 'webgpu', browser(true, true), files('onnx/model.onnx'))).toBe('fp32');
    expect(await chooseDtype('auto', 'wasm', browser(false), all)).toBe('q8');
    expect(await chooseDtype('auto', 'wasm', browser(false), files('onnx/model.onnx'))).toBe('fp32');
    expect(await chooseDtype('auto', 'cpu', { node: true, webgpu: false, shaderF16: false }, all)).toBe('fp32');
  });
  it('explicit dtypes need their file and (fp16) the adapter feature', async () => {
    await expect(chooseDtype('fp16', 'webgpu', browser(true, false), files('onnx/model_fp16.onnx'))).rejects.toThrow(/shader-f16/);
    await expect(chooseDtype('q8', 'wasm', browser(false), files('onnx/model.onnx'))).rejects.toThrow(/model_quantized.onnx/);
    expect(await chooseDtype('q8', 'wasm', browser(false), files('onnx/model_quantized.onnx'))).toBe('q8');
  });
});
