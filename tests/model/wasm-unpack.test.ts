// The wasm Unpack replacement (src/model/wasm-unpack.ts): same values as the backend's own kernel for
// every axis and dtype, a real bidirectional LSTM layer predicts the same bits with it, and it leaks
// nothing. (Its speed is in `npm run bench:latency`, not here.)
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../training/backend/index.ts';
import { installWasmUnpack } from '../../src/model/wasm-unpack.ts';

const unstackAll = (x: tf.Tensor, axis: number): number[][] =>
  tf.tidy(() => tf.unstack(x, axis).map((t) => Array.from(t.dataSync())));

describe('wasm Unpack kernel', () => {
  // Built and run on the original kernel first, then compared after installing the new one.
  let lstm: tf.LayersModel;
  let seq: tf.Tensor3D;
  let before: Float32Array;
  const inputs: Array<[string, tf.Tensor]> = [];
  const expected = new Map<string, number[][]>();

  beforeAll(async () => {
    expect(await initBackend('wasm')).toMatch(/^wasm/);
    inputs.push(['float32 [7, 3, 5]', tf.randomNormal([7, 3, 5], 0, 1, 'float32', 3)]);
    inputs.push(['int32 [4, 6]', tf.tensor2d(Array.from({ length: 24 }, (_, i) => i * 3 - 7), [4, 6], 'int32')]);
    inputs.push(['float32 [2, 1, 4, 3]', tf.randomNormal([2, 1, 4, 3], 0, 1, 'float32', 4)]);
    for (const [name, x] of inputs) for (let axis = -x.rank; axis < x.rank; axis++) expected.set(`${name} axis ${axis}`, unstackAll(x, axis));
    const input = tf.input({ shape: [null, 12] });
    const out = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 8, returnSequences: true }) as tf.RNN, mergeMode: 'sum' }).apply(input) as tf.SymbolicTensor;
    lstm = tf.model({ inputs: input, outputs: out });
    seq = tf.randomNormal([1, 90, 12], 0, 1, 'float32', 5);
    before = tf.tidy(() => (lstm.predict(seq) as tf.Tensor).dataSync() as Float32Array);
    expect(installWasmUnpack()).toBe(true);
    expect(installWasmUnpack()).toBe(true); // idempotent
  });

  it('gives the original kernel’s values for every axis, rank and dtype', () => {
    for (const [name, x] of inputs) {
      for (let axis = -x.rank; axis < x.rank; axis++) {
        const got = unstackAll(x, axis);
        expect(got, `${name} axis ${axis}`).toEqual(expected.get(`${name} axis ${axis}`));
        expect(got.length).toBe(x.shape[axis < 0 ? axis + x.rank : axis]);
      }
    }
    // int32 stays int32
    expect(tf.tidy(() => tf.unstack(inputs[1]![1])[0]!.dtype)).toBe('int32');
  });

  it('a bidirectional LSTM layer predicts the same bits, and no tensor leaks', () => {
    const n = tf.memory().numTensors;
    const after = tf.tidy(() => (lstm.predict(seq) as tf.Tensor).dataSync() as Float32Array);
    expect(after.length).toBe(before.length);
    let diff = 0;
    for (let i = 0; i < after.length; i++) if (!Object.is(after[i], before[i])) diff++;
    expect(diff).toBe(0);
    expect(tf.memory().numTensors).toBe(n);
  });
});
