// Fast recurrent core for training: the whole LSTM recurrence of one direction as ONE tfjs op with a
// hand-written backward pass (plain Float32Array loops). tfjs's per-step ops cost ~100 µs each on
// wasm and slicing a sequence per step is O(T²) there; with the input projection done as one big
// matMul outside, the recurrence itself is small arithmetic that JS does quickly.
// Layout and gate order match tf.layers.lstm (Keras: i, f, c, o; sigmoid recurrent activation), so the
// trained weights drop into the exported standard layers unchanged.
import * as tf from '@tensorflow/tfjs';
import { customOp } from './custom-op.ts';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Runs the LSTM recurrence over `xProj` [B, T, 4H] (= x·W + b, precomputed) with recurrent kernel
 * `u` [H, 4H]. Sequence b is `lengths[b]` frames long; frames beyond it output 0 and never touch the
 * state (masking). `reverse` runs from the last real frame to the first (the backward direction; outputs
 * stay aligned with input frames, as tf.layers.bidirectional returns them).
 */
export function lstmSequence(xProj: tf.Tensor3D, u: tf.Tensor2D, lengths: ArrayLike<number>, reverse: boolean): tf.Tensor3D {
  const [B, T, G] = xProj.shape;
  const H = G / 4;
  if (u.shape[0] !== H || u.shape[1] !== G) throw new Error(`lstmSequence: recurrent kernel ${u.shape} does not fit ${H} units`);
  if (lengths.length !== B) throw new Error(`lstmSequence: ${lengths.length} lengths for batch ${B}`);
  const lens = Int32Array.from(lengths, (l) => Math.max(0, Math.min(T, l)));
  const op = customOp((xp: tf.Tensor, uk: tf.Tensor) => {
    const X = xp.dataSync() as Float32Array;
    const U = uk.dataSync() as Float32Array;
    // Saved activations per (b, t): gates i f g o, cell c, tanh(c).
    const gates = new Float32Array(B * T * G);
    const cells = new Float32Array(B * T * H);
    const tanhC = new Float32Array(B * T * H);
    const out = new Float32Array(B * T * H);
    const z = new Float32Array(G);
    for (let b = 0; b < B; b++) {
      const L = lens[b]!;
      let prevT = -1;
      for (let s = 0; s < L; s++) {
        const t = reverse ? L - 1 - s : s;
        const xo = (b * T + t) * G;
        for (let k = 0; k < G; k++) z[k] = X[xo + k]!;
        if (prevT >= 0) {
          const ho = (b * T + prevT) * H;
          for (let j = 0; j < H; j++) {
            const hj = out[ho + j]!;
            if (hj === 0) continue;
            const uo = j * G;
            for (let k = 0; k < G; k++) z[k]! += hj * U[uo + k]!;
          }
        }
        const so = (b * T + t) * H;
        const go = (b * T + t) * G;
        for (let j = 0; j < H; j++) {
          const i = sigmoid(z[j]!);
          const f = sigmoid(z[H + j]!);
          const g = Math.tanh(z[2 * H + j]!);
          const o = sigmoid(z[3 * H + j]!);
          const cPrev = prevT >= 0 ? cells[(b * T + prevT) * H + j]! : 0;
          const c = f * cPrev + i * g;
          const tc = Math.tanh(c);
          gates[go + j] = i;
          gates[go + H + j] = f;
          gates[go + 2 * H + j] = g;
          gates[go + 3 * H + j] = o;
          cells[so + j] = c;
          tanhC[so + j] = tc;
          out[so + j] = o * tc;
        }
        prevT = t;
      }
    }
    const value = tf.tensor3d(out, [B, T, H]);
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const DY = dy.dataSync() as Float32Array;
      const dX = new Float32Array(B * T * G);
      const dU = new Float32Array(H * G);
      const dh = new Float32Array(H);
      const dc = new Float32Array(H);
      for (let b = 0; b < B; b++) {
        const L = lens[b]!;
        dh.fill(0);
        dc.fill(0);
        for (let s = L - 1; s >= 0; s--) {
          const t = reverse ? L - 1 - s : s;
          const prevT = s === 0 ? -1 : reverse ? t + 1 : t - 1;
          const so = (b * T + t) * H;
          const go = (b * T + t) * G;
          for (let j = 0; j < H; j++) {
            const dhj = dh[j]! + DY[so + j]!;
            const i = gates[go + j]!;
            const f = gates[go + H + j]!;
            const g = gates[go + 2 * H + j]!;
            const o = gates[go + 3 * H + j]!;
            const tc = tanhC[so + j]!;
            const cPrev = prevT >= 0 ? cells[(b * T + prevT) * H + j]! : 0;
            const dcj = dc[j]! + dhj * o * (1 - tc * tc);
            dX[go + j] = dcj * g * i * (1 - i);
            dX[go + H + j] = dcj * cPrev * f * (1 - f);
            dX[go + 2 * H + j] = dcj * i * (1 - g * g);
            dX[go + 3 * H + j] = dhj * tc * o * (1 - o);
            dc[j] = dcj * f;
          }
          // dh_prev = dz · Uᵀ ; dU += h_prevᵀ · dz
          if (prevT >= 0) {
            const ho = (b * T + prevT) * H;
            for (let j = 0; j < H; j++) {
              const uo = j * G;
              let acc = 0;
              const hj = out[ho + j]!;
              for (let k = 0; k < G; k++) {
                const dz = dX[go + k]!;
                acc += dz * U[uo + k]!;
                dU[uo + k]! += hj * dz;
              }
              dh[j] = acc;
            }
          }
        }
      }
      return [tf.tensor3d(dX, [B, T, G]), tf.tensor2d(dU, [H, G])];
    };
    return { value, gradFunc };
  });
  return op(xProj, u) as tf.Tensor3D;
}
