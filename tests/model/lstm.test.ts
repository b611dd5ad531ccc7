// lstmInfer (the detector's forward-only recurrence: the SIMD wasm kernel, or its JS loop) against
// lstmSequence (training's float32-exact one with a backward pass): same outputs to float rounding, per
// sequence length, both directions, frames past a sequence's length zero.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { lstmInfer, lstmInferJs, lstmSequence } from '../../src/model/lstm.ts';
import { lstmKernel, lstmKernelFits } from '../../src/model/lstm-kernel/index.ts';

const INFER = { kernel: lstmInfer, js: lstmInferJs };

describe.each(['cpu', 'wasm'])('lstmInfer (%s backend)', (backend) => {
  it.each([
    ['kernel', false, 16, 1.5],
    ['kernel', true, 16, 1.5],
    ['kernel', true, 32, 6], // saturating gates: exp's clamp and tanh's tails
    ['js', false, 16, 1.5],
    ['js', true, 16, 1.5],
    ['js', false, 6, 1.5], // not a multiple of 4: lstmInfer itself falls back to this loop
  ] as const)('%s: equals lstmSequence within 1e-5 (reverse %s, %i units, x sd %d)', async (path, reverse, H, sd) => {
    await tf.setBackend(backend);
    const B = 3;
    const T = 37;
    const xProj = tf.randomNormal([B, T, 4 * H], 0, sd, 'float32', 11) as tf.Tensor3D;
    const u = tf.randomNormal([H, 4 * H], 0, 0.4, 'float32', 12) as tf.Tensor2D;
    const lengths = [37, 20, 1];
    const a = INFER[path](xProj, u, lengths, reverse).arraySync();
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

describe('SIMD LSTM kernel', () => {
  it('compiles here (Node has WebAssembly SIMD) and takes unit counts in fours', () => {
    expect(lstmKernel()).not.toBeNull();
    expect([4, 32, 128].every(lstmKernelFits)).toBe(true);
    expect([0, 6, 30].some(lstmKernelFits)).toBe(false);
  });

  it('propagates NaN from its input and stays finite for huge ones', () => {
    const k = lstmKernel()!;
    const H = 4;
    const x = new Float32Array(2 * 4 * H).fill(1e30);
    x[4 * H + 2 * H] = Number.NaN; // second step's cell input of unit 0
    const out = k.run(x, new Float32Array(H * 4 * H).fill(0.1), 1, 2, H, [2], false);
    expect(Array.from(out.subarray(0, H))).toEqual(Array(H).fill(Math.tanh(1)).map((v) => expect.closeTo(v, 6)));
    expect(Number.isNaN(out[H])).toBe(true);
  });

  it('grows its memory for long sequences and reuses it after', () => {
    const k = lstmKernel()!;
    const H = 32;
    const T = 3000; // 1.5 MB of x: more than the module's first 64 kB page
    const x = new Float32Array(T * 4 * H).map((_, i) => Math.sin(i) * 2);
    const u = new Float32Array(H * 4 * H).map((_, i) => Math.cos(i) * 0.2);
    const long = k.run(x, u, 1, T, H, [T], true);
    const short = k.run(x.subarray(0, 10 * 4 * H), u, 1, 10, H, [10], false);
    const again = k.run(x, u, 1, T, H, [T], true);
    expect(again).toEqual(long);
    expect(short.every(Number.isFinite)).toBe(true);
  });
});

