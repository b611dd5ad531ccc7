// The training graph's hand-written gradients against tfjs autodiff of the plain ops (cpu backend).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { lstmSequence } from '../../src/model/lstm.ts';
import { conv2dSame, linear, maskedBatchNorm, maxPoolValid } from '../../src/model/ops.ts';

function close(a: tf.Tensor, b: tf.Tensor, tol = 1e-4): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / (1 + Math.abs(y[i]!)));
  expect(worst).toBeLessThan(tol);
}

describe('custom-gradient ops', () => {
  it('linear: value and gradients equal matMul', () => {
    const x = tf.randomNormal([7, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w = tf.randomNormal([5, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
    const c = tf.randomNormal([7, 3], 0, 1, 'float32', 3);
    const f1 = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(linear(a as tf.Tensor2D, b as tf.Tensor2D), c));
    const f2 = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), c));
    const g1 = tf.grads(f1)([x, w]);
    const g2 = tf.grads(f2)([x, w]);
    close(g1[0]!, g2[0]!);
    close(g1[1]!, g2[1]!);
  });

  it('conv2dSame (5×3 and 3×3): value, dx and dw equal tf.conv2d', () => {
    for (const [kh, kw] of [
      [5, 3],
      [3, 3],
    ] as const) {
      const x = tf.randomNormal([2, 9, 6, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
      const w = tf.randomNormal([kh, kw, 3, 4], 0, 1, 'float32', 5) as tf.Tensor4D;
      const c = tf.randomNormal([2, 9, 6, 4], 0, 1, 'float32', 6);
      close(conv2dSame(x, w), tf.conv2d(x, w, 1, 'same'));
      const g1 = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv2dSame(a as tf.Tensor4D, b as tf.Tensor4D), c)))([x, w]);
      const g2 = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), c)))([x, w]);
      close(g1[0]!, g2[0]!);
      close(g1[1]!, g2[1]!);
    }
  });

  it('maxPoolValid: value and gradient equal tf.maxPool (odd sizes floor)', () => {
    const x = tf.randomNormal([2, 9, 7, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    for (const [ph, pw] of [
      [2, 2],
      [3, 1],
    ] as const) {
      const ref = tf.maxPool(x, [ph, pw], [ph, pw], 'valid');
      close(maxPoolValid(x, ph, pw), ref);
      const c = tf.randomNormal(ref.shape, 0, 1, 'float32', 8);
      close(
        tf.grad((a: tf.Tensor) => tf.sum(tf.mul(maxPoolValid(a as tf.Tensor4D, ph, pw), c)))(x),
        tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, [ph, pw], [ph, pw], 'valid'), c)))(x),
      );
    }
  });

  it('maskedBatchNorm: equals BatchNorm over the real rows, gradients match autodiff', () => {
    const [B, T, F, C] = [2, 6, 3, 4];
    const x = tf.randomNormal([B, T, F, C], 1, 2, 'float32', 9) as tf.Tensor4D;
    const gamma = tf.tensor1d([1, 2, 0.5, -1]);
    const beta = tf.tensor1d([0, 1, -1, 0.5]);
    const lengths = [6, 4];
    const rows = new Float32Array(B * T * F);
    lengths.forEach((l, b) => rows.fill(1, b * T * F, (b * T + l) * F));
    const m = tf.tensor2d(rows, [B * T * F, 1]);
    const ref = (a: tf.Tensor, g: tf.Tensor, bt: tf.Tensor) => {
      const a2 = a.reshape([B * T * F, C]);
      const n = tf.sum(m);
      const mean = tf.div(tf.sum(tf.mul(a2, m), 0), n);
      const v = tf.div(tf.sum(tf.mul(tf.square(tf.sub(a2, mean)), m), 0), n);
      return tf.add(tf.mul(tf.div(tf.sub(a2, mean), tf.sqrt(tf.add(v, 1e-3))), g), bt).reshape([B, T, F, C]);
    };
    const mine = maskedBatchNorm(x, m as tf.Tensor2D, gamma, beta, 1e-3);
    close(mine.y, ref(x, gamma, beta));
    // dy = 0 on padded rows, as in the graph (it masks after pooling)
    const c = tf.mul(tf.randomNormal([B, T, F, C], 0, 1, 'float32', 10), m.reshape([B, T, F, 1]));
    const g1 = tf.grads((a: tf.Tensor, g: tf.Tensor, bt: tf.Tensor) => tf.sum(tf.mul(maskedBatchNorm(a as tf.Tensor4D, m as tf.Tensor2D, g as tf.Tensor1D, bt as tf.Tensor1D, 1e-3).y, c)))([x, gamma, beta]);
    const g2 = tf.grads((a: tf.Tensor, g: tf.Tensor, bt: tf.Tensor) => tf.sum(tf.mul(ref(a, g, bt), c)))([x, gamma, beta]);
    g1.forEach((g, i) => close(g, g2[i]!, 1e-3));
  });

  // H = 4 runs the unrolled four-unit loops only, H = 5 their remainder too.
  it.each([4, 5])('lstmSequence (%i units): outputs and gradients equal a per-step tf LSTM, both directions, with masking', (H) => {
    const [B, T] = [3, 5];
    const xp = tf.randomNormal([B, T, 4 * H], 0, 1, 'float32', 11) as tf.Tensor3D;
    const u = tf.randomNormal([H, 4 * H], 0, 0.5, 'float32', 12) as tf.Tensor2D;
    const lengths = [5, 3, 1];
    const mask = tf.tensor3d(lengths.flatMap((l) => Array.from({ length: T }, (_, t) => (t < l ? 1 : 0))), [B, T, 1]);
    const reference = (a: tf.Tensor, uk: tf.Tensor, reverse: boolean): tf.Tensor => {
      // per-step tf ops; masked steps keep the state and output 0
      let h = tf.zeros([B, H]);
      let c = tf.zeros([B, H]);
      const outs: tf.Tensor[] = new Array(T);
      for (let s = 0; s < T; s++) {
        const t = reverse ? T - 1 - s : s;
        // for reverse, each sequence starts at its own last real frame: step t is real iff t < length
        const z = tf.add(tf.squeeze(tf.slice(a, [0, t, 0], [B, 1, 4 * H]), [1]), tf.matMul(h as tf.Tensor2D, uk as tf.Tensor2D));
        const [zi, zf, zg, zo] = tf.split(z, 4, 1);
        const cn = tf.add(tf.mul(tf.sigmoid(zf!), c), tf.mul(tf.sigmoid(zi!), tf.tanh(zg!)));
        const hn = tf.mul(tf.sigmoid(zo!), tf.tanh(cn));
        const m = tf.squeeze(tf.slice(mask, [0, t, 0], [B, 1, 1]), [1]);
        c = tf.add(tf.mul(m, cn), tf.mul(tf.sub(1, m), c));
        h = tf.add(tf.mul(m, hn), tf.mul(tf.sub(1, m), h));
        outs[t] = tf.mul(m, hn);
      }
      return tf.stack(outs, 1);
    };
    const c = tf.randomNormal([B, T, H], 0, 1, 'float32', 13);
    for (const reverse of [false, true]) {
      close(lstmSequence(xp, u, lengths, reverse), reference(xp, u, reverse), 1e-5);
      const g1 = tf.grads((a: tf.Tensor, uk: tf.Tensor) => tf.sum(tf.mul(lstmSequence(a as tf.Tensor3D, uk as tf.Tensor2D, lengths, reverse), c)))([xp, u]);
      const g2 = tf.grads((a: tf.Tensor, uk: tf.Tensor) => tf.sum(tf.mul(reference(a, uk, reverse), c)))([xp, u]);
      close(g1[0]!, g2[0]!, 1e-4);
      close(g1[1]!, g2[1]!, 1e-4);
    }
  });
});
