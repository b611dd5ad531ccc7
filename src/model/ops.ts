// Training-time ops with hand-written gradients that avoid slow or missing tfjs-wasm kernels: wasm has
// no Conv2DBackpropFilter, and a matMul with a transposed operand (every default weight gradient) runs a
// naive loop there. Here every gradient is an explicit transpose + plain matMul or a plain conv2d.
import * as tf from '@tensorflow/tfjs';
import { customOp } from './custom-op.ts';
import { hostValues, onWasm } from './host-values.ts';

/** y = x·w for x [N, K], w [K, M]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const op = customOp((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save([a, b]);
    return {
      value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [tf.matMul(dy as tf.Tensor2D, sb.transpose()), tf.matMul(sa.transpose(), dy as tf.Tensor2D)];
      },
    };
  });
  return op(x, w) as tf.Tensor2D;
}

/** x [..., K] · w [K, M] over the last axis. */
export function linearNd(x: tf.Tensor, w: tf.Tensor2D): tf.Tensor {
  const k = x.shape[x.shape.length - 1]!;
  const lead = x.shape.slice(0, -1);
  return linear(x.reshape([-1, k]) as tf.Tensor2D, w).reshape([...lead, w.shape[1]]);
}

/**
 * Stride-1 'same' conv2d (odd kernel) = tf.conv2d forward; backward: dx as a conv with the flipped
 * kernel, dw as a 'valid' conv of the padded input (channels as batch) with dy as the filter — both plain
 * Conv2D forwards, which wasm runs fast. `inputGrad` false skips dx (first layer: the input needs none).
 */
export function conv2dSame(x: tf.Tensor4D, w: tf.Tensor4D, inputGrad = true): tf.Tensor4D {
  const [kh, kw] = w.shape;
  if (kh % 2 !== 1 || kw % 2 !== 1) throw new Error('conv2dSame needs odd kernel sizes');
  const ph = (kh - 1) / 2;
  const pw = (kw - 1) / 2;
  const op = customOp((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save([a, b]);
    return {
      value: tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dy4 = dy as tf.Tensor4D;
        // dw[i, j, c, o] = Σ_{b,t,f} xpad[b, t+i, f+j, c] · dy[b, t, f, o]
        const xp = tf.pad(sx, [
          [0, 0],
          [ph, ph],
          [pw, pw],
          [0, 0],
        ]).transpose([3, 1, 2, 0]) as tf.Tensor4D;
        const dw = tf.conv2d(xp, dy4.transpose([1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid').transpose([1, 2, 0, 3]);
        const dx = inputGrad
          ? tf.conv2d(dy4, tf.reverse(sw, [0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D, 1, 'same')
          : tf.zerosLike(sx);
        return [dx, dw];
      },
    };
  });
  return op(x, w) as tf.Tensor4D;
}

/**
 * Max pooling with pool = stride, 'valid' (tf.maxPool forward); backward in plain JS: each output's
 * gradient goes to its window's first maximum (wasm's MaxPoolGrad is several times slower).
 */
export function maxPoolValid(x: tf.Tensor4D, ph: number, pw: number): tf.Tensor4D {
  const op = customOp((a: tf.Tensor, save: tf.GradSaveFunc) => {
    const value = tf.maxPool(a as tf.Tensor4D, [ph, pw], [ph, pw], 'valid');
    save([a, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [B, T, F, C] = sx.shape;
        const [, To, Fo] = dy.shape as [number, number, number, number];
        const X = hostValues(sx);
        const Y = hostValues(sy);
        const DY = hostValues(dy);
        const DX = new Float32Array(X.length);
        // Branch-free: the first window element equal to the pooled maximum takes the gradient
        // (`free` marks channels still waiting for theirs). `dy·t + 0` turns −0 into +0, so the result is
        // bit for bit that of adding dy at the first maximum into zeros.
        const free = new Int32Array(C);
        for (let b = 0; b < B; b++)
          for (let to = 0; to < To; to++)
            for (let fo = 0; fo < Fo; fo++) {
              const oo = ((b * To + to) * Fo + fo) * C;
              free.fill(1);
              for (let i = 0; i < ph; i++) {
                let base = ((b * T + to * ph + i) * F + fo * pw) * C;
                for (let j = 0; j < pw; j++, base += C) {
                  for (let c = 0; c < C; c++) {
                    const t = +(X[base + c] === Y[oo + c]) & free[c]!;
                    free[c] = free[c]! - t;
                    DX[base + c] = DY[oo + c]! * t + 0;
                  }
                }
              }
            }
        return [tf.tensor4d(DX, [B, T, F, C])];
      },
    };
  });
  return op(x) as tf.Tensor4D;
}

/**
 * Column sums of x [N, C] over the rows whose weight in w [N, 1] is 1 (0/1 weights; null = all rows):
 * [1, C]. The same as matMul(wᵀ, x) bit for bit (XNNPACK sums each column sequentially in float32, as
 * this loop does), but on wasm 4× faster for tall x: the matMul repacks the fresh x as its weight
 * operand on every call.
 */
export function columnSums(x: tf.Tensor2D, rowWeights: tf.Tensor2D | null): tf.Tensor2D {
  const [N, C] = x.shape;
  if (!onWasm()) return tf.matMul(rowWeights ? rowWeights.reshape([1, N]) : tf.ones([1, N]), x) as tf.Tensor2D;
  const X = hostValues(x);
  const W = rowWeights ? hostValues(rowWeights) : null;
  if (W && W.some((w) => w !== 0 && w !== 1)) throw new Error('columnSums: row weights must be 0 or 1');
  const acc = new Float32Array(C);
  const f = Math.fround;
  // Eight columns at a time in locals, float32-rounded after every add as the matMul does (1·x = x;
  // a 0 row adds ±0, which leaves every sum as it is, so it is skipped).
  let c0 = 0;
  for (; c0 + 8 <= C; c0 += 8) {
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0; // prettier-ignore
    for (let k = 0, o = c0; k < N; k++, o += C) {
      if (W && W[k] === 0) continue;
      a0 = f(a0 + X[o]!);
      a1 = f(a1 + X[o + 1]!);
      a2 = f(a2 + X[o + 2]!);
      a3 = f(a3 + X[o + 3]!);
      a4 = f(a4 + X[o + 4]!);
      a5 = f(a5 + X[o + 5]!);
      a6 = f(a6 + X[o + 6]!);
      a7 = f(a7 + X[o + 7]!);
    }
    acc.set([a0, a1, a2, a3, a4, a5, a6, a7], c0);
  }
  for (; c0 < C; c0++) {
    let a = 0;
    for (let k = 0, o = c0; k < N; k++, o += C) if (!W || W[k] !== 0) a = f(a + X[o]!);
    acc[c0] = a;
  }
  return tf.tensor2d(acc, [1, C]);
}

/**
 * BatchNorm over the channel (last) axis with statistics from the real frames only. x [B, T, F, C],
 * rowMask [B·T·F, 1] (1 = real row of the [B·T·F, C] view). Column sums run through `columnSums`:
 * wasm's Sum over leading axes transposes the whole tensor first. The backward pass is the closed
 * form and assumes dy = 0 on padded rows (true here: the graph zeroes them after pooling).
 */
export function maskedBatchNorm(
  x: tf.Tensor4D,
  rowMask: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const shape = x.shape;
  const C = shape[3];
  const N = shape[0] * shape[1] * shape[2];
  let stats: { mean: tf.Tensor1D; variance: tf.Tensor1D } | null = null;
  // One op for the tape (autodiff through x − mean would need Sums over rows). Every tensor the
  // backward pass uses goes through save(): the forward's intermediates are disposed.
  const op = customOp((xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor, m: tf.Tensor, save: tf.GradSaveFunc) => {
    const x2 = xi as tf.Tensor2D;
    const count = tf.sum(m);
    const mask = m as tf.Tensor2D;
    const mean = tf.div(columnSums(x2, mask), count) as tf.Tensor2D; // [1, C]
    const centered = tf.sub(x2, mean);
    const variance = tf.div(columnSums(tf.square(centered) as tf.Tensor2D, mask), count) as tf.Tensor2D;
    const r = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(centered, r);
    stats = { mean: tf.keep(mean.reshape([C])), variance: tf.keep(variance.reshape([C])) };
    save([xhat, r, g, m, count]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sxhat, sr, sg, sm, scount] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Scalar];
        const dbeta = columnSums(dy as tf.Tensor2D, null); // [1, C]
        const dgamma = columnSums(tf.mul(dy, sxhat) as tf.Tensor2D, null);
        const corr = tf.mul(sm, tf.div(tf.add(dbeta, tf.mul(sxhat, dgamma)), scount));
        const dx = tf.mul(tf.mul(sr, sg), tf.sub(dy, corr));
        return [dx, dgamma.reshape([C]), dbeta.reshape([C]), tf.zerosLike(sm)];
      },
    };
  });
  const y = op(x.reshape([N, C]), gamma, beta, rowMask).reshape(shape) as tf.Tensor4D;
  const st = stats as { mean: tf.Tensor1D; variance: tf.Tensor1D } | null;
  if (!st) throw new Error('maskedBatchNorm: statistics missing');
  return { y, mean: st.mean, variance: st.variance };
}
