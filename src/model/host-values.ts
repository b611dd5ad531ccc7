// Reading a tensor's values into JS for the training graph's hand-written kernels. On the wasm backend
// `dataSync()` copies the whole tensor out of wasm memory (8 ms for a 16 MB activation), so read it in
// place instead. The view aliases wasm memory: read it before the next tf allocation (memory growth
// detaches it) and never keep it past the current op.
import * as tf from '@tensorflow/tfjs';

interface HeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/** Whether tensors live in wasm memory (the JS kernels then beat the backend's own for some shapes). */
export function onWasm(): boolean {
  return tf.getBackend() === 'wasm';
}

/** The float32 values of `t`: a zero-copy view on wasm (valid until the next tf allocation), else `dataSync()`. */
export function hostValues(t: tf.Tensor): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`hostValues: float32 tensors only, got ${t.dtype}`);
  if (onWasm()) return (tf.backend() as unknown as HeapBackend).typedArrayFromHeap(t);
  return t.dataSync() as Float32Array;
}

interface HeapOutputBackend extends HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/**
 * New float32 tensors whose values `fill` writes in place: on wasm straight into the backend's memory (no
 * fresh JS array, whose first touch costs page faults), elsewhere into new arrays the tensors then own.
 * `fill` gets one view per shape, all valid until it returns; it must write every value.
 */
export function hostTensors(shapes: number[][], fill: (views: Float32Array[]) => void): tf.Tensor[] {
  if (onWasm()) {
    const backend = tf.backend() as unknown as HeapOutputBackend;
    const infos = shapes.map((s) => backend.makeOutput(s, 'float32'));
    // views only after every allocation: an allocation can grow wasm memory and detach earlier views
    fill(infos.map((i) => backend.typedArrayFromHeap(i)));
    return infos.map((i) => tf.engine().makeTensorFromTensorInfo(i));
  }
  const arrays = shapes.map((s) => new Float32Array(s.reduce((a, b) => a * b, 1)));
  fill(arrays);
  return arrays.map((a, i) => tf.tensor(a, shapes[i]));
}
