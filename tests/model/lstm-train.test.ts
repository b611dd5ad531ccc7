// lstmSequence on training's SIMD wasm kernel (lstm-train.wat) against its JS loops (lstmSequenceJs):
// outputs within 1e-5, gradients (dX, dU) within 1e-4 relative, both directions, ragged lengths with 1 and 0,
// several unit counts; several ops alive between their forward and backward passes; a finite-difference
// check of the kernel's gradients on a tiny case; no tensors or kernel memory left behind.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { lstmSequence, lstmSequenceJs } from '../../src/model/lstm.ts';
import { lstmTrainKernel } from '../../src/model/lstm-kernel/train.ts';

type Seq = typeof lstmSequence;

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Output, dX, dU of loss Σ y·c. */
function run(seq: Seq, xp: tf.Tensor3D, u: tf.Tensor2D, c: tf.Tensor, lengths: number[], reverse: boolean): Float32Array[] {
  return tf.tidy(() => {
    const y = seq(xp, u, lengths, reverse).dataSync() as Float32Array;
    const [dx, du] = tf.grads((a: tf.Tensor, uk: tf.Tensor) => {
      const out = seq(a as tf.Tensor3D, uk as tf.Tensor2D, lengths, reverse);
      // the kernel path holds its saved state in kernel memory until the backward pass; the JS one none
      expect(lstmTrainKernel()!.heldBytes() > 0).toBe(seq === lstmSequence);
      return tf.sum(tf.mul(out, c));
    })([xp, u]);
    return [y, dx!.dataSync() as Float32Array, du!.dataSync() as Float32Array];
  });
}

describe.each(['cpu', 'wasm'])('lstmSequence on the training kernel (%s backend)', (backend) => {
  it.each([
    [4, false],
    [4, true],
    [16, false],
    [16, true],
    [64, false],
    [64, true],
  ] as const)('%i units, reverse %s: equals the JS loops (outputs 1e-5, gradients 1e-4 relative), masked frames 0', async (H, reverse) => {
    await tf.setBackend(backend);
    const [B, T] = [5, 23];
    const lengths = [23, 9, 1, 0, 17];
    const xp = tf.randomNormal([B, T, 4 * H], 0, 1.5, 'float32', 21) as tf.Tensor3D;
    const u = tf.randomNormal([H, 4 * H], 0, 0.5 / Math.sqrt(H / 4), 'float32', 22) as tf.Tensor2D;
    const c = tf.randomNormal([B, T, H], 0, 1, 'float32', 23);
    const tensors = tf.memory().numTensors;
    const [y, dx, du] = run(lstmSequence, xp, u, c, lengths, reverse);
    const [yJs, dxJs, duJs] = run(lstmSequenceJs, xp, u, c, lengths, reverse);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(lstmTrainKernel()!.heldBytes()).toBe(0);
    expect(maxDiff(y!, yJs!)).toBeLessThan(1e-5);
    expect(maxDiff(dx!, dxJs!)).toBeLessThan(1e-4 * maxAbs(dxJs!));
    expect(maxDiff(du!, duJs!)).toBeLessThan(1e-4 * maxAbs(duJs!));
    // masking: frames past each length output 0 and get no gradient; real frames do get some
    const G = 4 * H;
    for (let b = 0; b < B; b++) {
      const L = lengths[b]!;
      expect(y!.subarray((b * T + L) * H, (b + 1) * T * H).every((v) => v === 0)).toBe(true);
      expect(dx!.subarray((b * T + L) * G, (b + 1) * T * G).every((v) => v === 0)).toBe(true);
      if (L > 0) expect(dx!.subarray(b * T * G, (b * T + L) * G).some((v) => v !== 0)).toBe(true);
    }
    expect(maxAbs(du!)).toBeGreaterThan(0);
    tf.dispose([xp, u, c]);
  });

  it('several ops alive between forward and backward (two branches × two directions, heap growth between)', async () => {
    await tf.setBackend(backend);
    const cases = [
      { B: 3, T: 30, H: 8, lengths: [30, 12, 1] },
      { B: 2, T: 11, H: 12, lengths: [5, 11] },
    ];
    const inputs = cases.map(({ B, T, H }, i) => ({
      xp: tf.randomNormal([B, T, 4 * H], 0, 1, 'float32', 30 + i) as tf.Tensor3D,
      uf: tf.randomNormal([H, 4 * H], 0, 0.3, 'float32', 40 + i) as tf.Tensor2D,
      ub: tf.randomNormal([H, 4 * H], 0, 0.3, 'float32', 50 + i) as tf.Tensor2D,
      c: tf.randomNormal([B, T, 2 * H], 0, 1, 'float32', 60 + i),
    }));
    const tensors = tf.memory().numTensors;
    const grads = (seq: Seq): Float32Array[] =>
      tf.tidy(() => {
        const vars = inputs.flatMap((v) => [v.xp, v.uf, v.ub]);
        return tf
          .grads((...a: tf.Tensor[]) => {
            let loss = tf.scalar(0);
            cases.forEach(({ lengths }, i) => {
              const [xp, uf, ub] = a.slice(3 * i, 3 * i + 3) as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D];
              const y = tf.concat([seq(xp, uf, lengths, false), seq(xp, ub, lengths, true)], 2);
              tf.keep(tf.zeros([2_000_000])).dispose(); // wasm memory may grow: old views detach
              loss = tf.add(loss, tf.sum(tf.mul(y, inputs[i]!.c)));
            });
            return loss;
          })(vars)
          .map((g) => g.dataSync() as Float32Array);
      });
    const a = grads(lstmSequence);
    const b = grads(lstmSequenceJs);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(lstmTrainKernel()!.heldBytes()).toBe(0);
    a.forEach((g, i) => expect(maxDiff(g, b[i]!)).toBeLessThan(1e-4 * maxAbs(b[i]!)));
    tf.dispose(inputs.flatMap((v) => [v.xp, v.uf, v.ub, v.c]));
  });
});

describe('training kernel', () => {
  it("gradients match finite differences of its own forward pass (tiny case, float64 loss)", async () => {
    await tf.setBackend('cpu');
    const [B, T, H] = [2, 5, 4];
    const G = 4 * H;
    const lengths = [5, 3];
    const x = Float32Array.from({ length: B * T * G }, (_, i) => Math.sin(i * 1.7) * 1.2);
    const u = Float32Array.from({ length: H * G }, (_, i) => Math.cos(i * 0.9) * 0.4);
    const c = Float32Array.from({ length: B * T * H }, (_, i) => Math.sin(i * 2.3 + 1));
    const loss = (xv: Float32Array, uv: Float32Array): number =>
      tf.tidy(() => {
        const y = lstmSequence(tf.tensor3d(xv, [B, T, G]), tf.tensor2d(uv, [H, G]), lengths, false).dataSync();
        let s = 0;
        for (let i = 0; i < y.length; i++) s += y[i]! * c[i]!;
        return s;
      });
    const [dx, du] = tf.tidy(() =>
      tf
        .grads((a: tf.Tensor, uk: tf.Tensor) => tf.sum(tf.mul(lstmSequence(a as tf.Tensor3D, uk as tf.Tensor2D, lengths, true), tf.tensor3d(c, [B, T, H]))))([
          tf.tensor3d(x, [B, T, G]),
          tf.tensor2d(u, [H, G]),
        ])
        .map((g) => g.dataSync() as Float32Array),
    );
    const [dxF, duF] = tf.tidy(() =>
      tf
        .grads((a: tf.Tensor, uk: tf.Tensor) => tf.sum(tf.mul(lstmSequence(a as tf.Tensor3D, uk as tf.Tensor2D, lengths, false), tf.tensor3d(c, [B, T, H]))))([
          tf.tensor3d(x, [B, T, G]),
          tf.tensor2d(u, [H, G]),
        ])
        .map((g) => g.dataSync() as Float32Array),
    );
    expect(dx!.some((v) => v !== 0) && du!.some((v) => v !== 0)).toBe(true); // the reverse direction ran too
    const eps = 1e-2;
    const check = (which: 'x' | 'u', i: number, analytic: number): void => {
      const xp = Float32Array.from(x);
      const up = Float32Array.from(u);
      const xm = Float32Array.from(x);
      const um = Float32Array.from(u);
      if (which === 'x') {
        xp[i]! += eps;
        xm[i]! -= eps;
      } else {
        up[i]! += eps;
        um[i]! -= eps;
      }
      const numeric = (loss(xp, up) - loss(xm, um)) / (2 * eps);
      expect(Math.abs(numeric - analytic)).toBeLessThan(2e-3 + 1e-2 * Math.abs(analytic));
    };
    // every input of sequence 1 (its frames ≥ 3 have no effect: gradient 0), a spread of sequence 0's
    for (let i = T * G; i < 2 * T * G; i++) check('x', i, dxF![i]!);
    for (let i = 0; i < T * G; i += 7) check('x', i, dxF![i]!);
    for (let i = 0; i < H * G; i += 3) check('u', i, duF![i]!);
    expect(dxF!.subarray((T + 3) * G, 2 * T * G).every((v) => v === 0)).toBe(true);
  });

  it('frees a pass once, refuses a second backward, and refuses unit counts not in fours', () => {
    const k = lstmTrainKernel()!;
    expect(k).not.toBeNull();
    const H = 4;
    const x = new Float32Array(3 * 4 * H).fill(0.3);
    const u = new Float32Array(H * 4 * H).fill(0.1);
    const before = k.heldBytes();
    const pass = k.forward(x, u, 1, 3, H, Int32Array.of(3), false);
    expect(k.heldBytes()).toBeGreaterThan(before);
    pass.backward(new Float32Array(3 * H).fill(1));
    pass.readGrads(new Float32Array(3 * 4 * H), new Float32Array(H * 4 * H));
    expect(k.heldBytes()).toBe(before);
    expect(() => pass.backward(new Float32Array(3 * H))).toThrow(/released/);
    pass.release();
    expect(k.heldBytes()).toBe(before);
    expect(() => k.forward(new Float32Array(3 * 24), new Float32Array(6 * 24), 1, 3, 6, Int32Array.of(3), false)).toThrow(/multiple of 4/);
  });
});
