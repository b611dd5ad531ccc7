// A faster `Unpack` (tf.unstack) for the wasm backend, for inference with tfjs-layers' LSTM. The layer
// unstacks its input over time, and tfjs-backend-wasm builds each of the T slices with a Slice kernel
// that first copies the whole input out of wasm memory: O(T²) copying, which was half the inference time
// of an LLD-only member (225 steps). Slicing along axis 0 of a row-major tensor is a contiguous block, so
// this copies each block once; every other case goes to the original kernel. Results are identical.
import * as tf from '@tensorflow/tfjs';

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let installed = false;

/** Installs the kernel once; false (and nothing changes) where the wasm backend is not registered. */
export function installWasmUnpack(): boolean {
  if (installed) return true;
  const original = tf.getKernel('Unpack', 'wasm');
  if (!original) return false;
  const unpack: tf.KernelFunc = (args) => {
    const value = args.inputs['value'] as tf.TensorInfo;
    const rank = value.shape.length;
    let axis = (args.attrs?.['axis'] as number | undefined) ?? 0;
    if (axis < 0) axis += rank;
    const outShape = value.shape.slice(1);
    const size = outShape.reduce((a, b) => a * b, 1);
    if (axis !== 0 || value.dtype === 'string' || size === 0) return original.kernelFunc(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const outs = Array.from({ length: value.shape[0]! }, () => backend.makeOutput(outShape, value.dtype));
    // Views only after every allocation: an allocation can grow wasm memory and detach earlier views.
    const x = backend.typedArrayFromHeap(value);
    outs.forEach((o, i) => backend.typedArrayFromHeap(o).set(x.subarray(i * size, (i + 1) * size)));
    return outs;
  };
  tf.unregisterKernel('Unpack', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: unpack });
  installed = true;
  return true;
}
