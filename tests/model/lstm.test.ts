// lstmInfer (the detector's forward-only recurrence) against lstmSequence (training's float32-exact one
// with a backward pass): same outputs to float rounding, per sequence length, both directions, frames past
// a sequence's length zero.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { lstmInfer, lstmSequence } from '../../src/model/lstm.ts';

describe.each(['cpu', 'wasm'])('lstmInfer (%s backend)', (backend) => {
  it.each([false, true])('equals lstmSequence within 1e-5 (reverse %s)', async (reverse) => {
    await tf.setBackend(backend);
    const B = 3;
    const T = 37;
    const H = 16;
    const xProj = tf.randomNormal([B, T, 4 * H], 0, 1.5, 'float32', 11) as tf.Tensor3D;
    const u = tf.randomNormal([H, 4 * H], 0, 0.4, 'float32', 12) as tf.Tensor2D;
    const lengths = [37, 20, 1];
    const a = lstmInfer(xProj, u, lengths, reverse).arraySync();
    const b = lstmSequence(xProj, u, lengths, reverse).arraySync();
    let max = 0;
    let nonZero = 0;
    for (let i = 0; i < B; i++)
      for (let t = 0; t < T; t++)
        for (let j = 0; j < H; j++) {
          max = Math.max(max, Math.abs(a[i]![t]![j]! - b[i]![t]![j]!));
          if (t >= lengths[i]!) expect(a[i]![t]![j]).toBe(0);
          else if (a[i]![t]![j] !== 0) nonZero++;
        }
    expect(max).toBeLessThan(1e-5);
    expect(nonZero).toBeGreaterThan(0.9 * (37 + 20 + 1) * H);
  });

  it('refuses a kernel that does not fit', async () => {
    await tf.setBackend(backend);
    expect(() => lstmInfer(tf.zeros([1, 4, 8]) as tf.Tensor3D, tf.zeros([3, 8]) as tf.Tensor2D, [4], false)).toThrow(/does not fit/);
  });
});
