// The training graph's JS kernels on the wasm backend, where they read tensors in place from wasm memory:
// they must give the backend's own results bit for bit (a shipped model's training run is reproducible
// digit for digit across these optimisations), and the in-place reads must not outlive allocations.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../training/backend/index.ts';
import { hostValues } from '../../src/model/host-values.ts';
import { lstmSequence } from '../../src/model/lstm.ts';
import { columnSums, maxPoolValid } from '../../src/model/ops.ts';

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) diff++;
  return diff;
}

describe('JS training kernels on wasm', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toMatch(/^wasm/);
  });

  it('hostValues reads a tensor in place, equal to dataSync', () => {
    const x = tf.randomNormal([1000, 7], 0, 1, 'float32', 1);
    expect(sameBits(hostValues(x), x.dataSync())).toBe(0);
    expect(() => hostValues(tf.tensor1d([1, 2], 'int32'))).toThrow(/float32/);
  });

  it.each([
    [64000, 32],
    [5000, 16],
    [999, 7],
    [300, 9],
    [70, 13],
  ])('columnSums of [%i, %i]: masked and plain, bit for bit matMul(wᵀ, x)', (N, C) => {
    tf.tidy(() => {
      const x = tf.randomNormal([N, C], 0, 3, 'float32', N + C) as tf.Tensor2D;
      const w = tf.cast(tf.greater(tf.randomUniform([N, 1], 0, 1, 'float32', C), 0.2), 'float32') as tf.Tensor2D;
      expect(sameBits(columnSums(x, w).dataSync(), tf.matMul(w.reshape([1, N]), x).dataSync())).toBe(0);
      expect(sameBits(columnSums(x, null).dataSync(), tf.matMul(tf.ones([1, N]), x).dataSync())).toBe(0);
      // the sums are real: a changed value changes them
      expect(columnSums(tf.add(x, 1) as tf.Tensor2D, null).dataSync()[0]).not.toBe(columnSums(x, null).dataSync()[0]);
    });
  });

  it('lstmSequence on wasm equals the same op on cpu bit for bit, forward and backward, across heap growth', async () => {
    const [B, T, H] = [6, 40, 12];
    const lengths = [40, 33, 20, 40, 1, 7];
    const run = (): Float32Array[] =>
      tf.tidy(() => {
        const xp = tf.randomNormal([B, T, 4 * H], 0, 1, 'float32', 5) as tf.Tensor3D;
        const u = tf.randomNormal([H, 4 * H], 0, 0.4, 'float32', 6) as tf.Tensor2D;
        const c = tf.randomNormal([B, T, H], 0, 1, 'float32', 7);
        const out: Float32Array[] = [];
        for (const reverse of [false, true]) {
          out.push(lstmSequence(xp, u, lengths, reverse).dataSync() as Float32Array);
          const [dx, du] = tf.grads((a: tf.Tensor, uk: tf.Tensor) => {
            const y = lstmSequence(a as tf.Tensor3D, uk as tf.Tensor2D, lengths, reverse);
            // a large allocation between forward and backward: wasm memory grows, old views detach
            tf.keep(tf.zeros([4_000_000])).dispose();
            return tf.sum(tf.mul(y, c));
          })([xp, u]);
          out.push(dx!.dataSync() as Float32Array, du!.dataSync() as Float32Array);
        }
        return out;
      });
    const onWasm = run();
    await tf.setBackend('cpu');
    const onCpu = run();
    await tf.setBackend('wasm');
    expect(onWasm.map((a, i) => sameBits(a, onCpu[i]!))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(onWasm[2]!.some((v) => v !== 0)).toBe(true);
  });

  it('maxPoolValid: the gradient goes to each window\'s first maximum, bit for bit, with ties and −0', () => {
    const [B, T, F, C, ph, pw] = [2, 9, 7, 5, 2, 3];
    const xs = Array.from({ length: B * T * F * C }, (_, i) => Math.fround(Math.sin(i * 12.9898) * 3));
    for (let i = 0; i + C < xs.length; i += 7) xs[i + C] = xs[i]!; // ties inside windows
    for (let i = 0; i < xs.length; i += 23) xs[i] = i % 2 ? 0 : -0;
    const x = tf.tensor4d(xs, [B, T, F, C]);
    const [To, Fo] = [Math.floor(T / ph), Math.floor(F / pw)];
    const dys = Array.from({ length: B * To * Fo * C }, (_, i) => (i % 11 === 0 ? -0 : Math.fround(Math.cos(i) * 2)));
    const dy = tf.tensor4d(dys, [B, To, Fo, C]);
    const got = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(maxPoolValid(a as tf.Tensor4D, ph, pw), dy)))(x).dataSync();
    // reference: scan each window in (i, j) order, keep the first strictly larger value
    const want = new Float32Array(xs.length);
    for (let b = 0; b < B; b++)
      for (let to = 0; to < To; to++)
        for (let fo = 0; fo < Fo; fo++)
          for (let c = 0; c < C; c++) {
            let best = -Infinity;
            let arg = -1;
            for (let i = 0; i < ph; i++)
              for (let j = 0; j < pw; j++) {
                const idx = ((b * T + to * ph + i) * F + fo * pw + j) * C + c;
                if (xs[idx]! > best) [best, arg] = [xs[idx]!, idx];
              }
            want[arg]! += dys[((b * To + to) * Fo + fo) * C + c]!;
          }
    expect(sameBits(got, want)).toBe(0);
    expect(Array.from(got).filter((v) => v !== 0).length).toBeGreaterThan(B * To * Fo * C * 0.8);
  });
});
