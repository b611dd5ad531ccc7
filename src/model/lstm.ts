// Fast recurrent core for training: the whole LSTM recurrence of one direction as ONE tfjs op with a
// hand-written backward pass (plain Float32Array loops). tfjs's per-step ops cost ~100 µs each on
// wasm and slicing a sequence per step is O(T²) there; with the input projection done as one big
// matMul outside, the recurrence itself is small arithmetic that JS does quickly.
// Layout and gate order match tf.layers.lstm (Keras: i, f, c, o; sigmoid recurrent activation), so the
// trained weights drop into the exported standard layers unchanged.
import * as tf from '@tensorflow/tfjs';
import { customOp } from './custom-op.ts';
import { hostTensors, hostValues } from './host-values.ts';
import { lstmKernel, lstmKernelFits } from './lstm-kernel/index.ts';
import { lstmTrainKernel, type LstmTrainKernel } from './lstm-kernel/train.ts';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Runs the LSTM recurrence over `xProj` [B, T, 4H] (= x·W + b, precomputed) with recurrent kernel
 * `u` [H, 4H]. Sequence b is `lengths[b]` frames long; frames beyond it output 0 and never touch the
 * state (masking). `reverse` runs from the last real frame to the first (the backward direction; outputs
 * stay aligned with input frames, as tf.layers.bidirectional returns them).
 */
export function lstmSequence(xProj: tf.Tensor3D, u: tf.Tensor2D, lengths: ArrayLike<number>, reverse: boolean): tf.Tensor3D {
  const H = xProj.shape[2] / 4;
  // The SIMD wasm kernel where the runtime has one and the units come in fours; else the JS loops.
  const k = lstmKernelFits(H) ? lstmTrainKernel() : null;
  if (k) return lstmSequenceKernel(k, xProj, u, lengths, reverse);
  return lstmSequenceJs(xProj, u, lengths, reverse);
}

/**
 * lstmSequence on the training kernel (src/model/lstm-kernel/lstm-train.wat): the same recurrence and
 * masking as lstmSequenceJs; float32 throughout, the gate nonlinearities from a vector exp (outputs agree
 * with the JS loop to ~1e-7, gradients to float rounding). The saved activations stay in the kernel's
 * memory, one region per op, until its backward pass.
 */
function lstmSequenceKernel(k: LstmTrainKernel, xProj: tf.Tensor3D, u: tf.Tensor2D, lengths: ArrayLike<number>, reverse: boolean): tf.Tensor3D {
  const [B, T, G] = xProj.shape;
  const H = G / 4;
  if (u.shape[0] !== H || u.shape[1] !== G) throw new Error(`lstmSequence: recurrent kernel ${u.shape} does not fit ${H} units`);
  if (lengths.length !== B) throw new Error(`lstmSequence: ${lengths.length} lengths for batch ${B}`);
  const lens = Int32Array.from(lengths, (l) => Math.max(0, Math.min(T, l)));
  // Without a gradient tape (inference, evaluation) no backward pass can follow: free the saved state at once.
  const taped = (tf.engine() as unknown as { isTapeOn?(): boolean }).isTapeOn?.() ?? true;
  const op = customOp((xp: tf.Tensor, uk: tf.Tensor) => {
    // both views read before any tf allocation (the kernel copies them into its own memory)
    const pass = k.forward(hostValues(xp), hostValues(uk), B, T, H, lens, reverse);
    const [value] = hostTensors([[B, T, H]], ([out]) => pass.readOutput(out!));
    if (!taped) pass.release();
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      pass.backward(hostValues(dy));
      return hostTensors([[B, T, G], [H, G]], ([dx, du]) => pass.readGrads(dx!, du!));
    };
    return { value: value!, gradFunc };
  });
  return op(xProj, u) as tf.Tensor3D;
}

/** lstmSequence's JS loops (runtimes without WebAssembly SIMD, and any unit count). */
export function lstmSequenceJs(xProj: tf.Tensor3D, u: tf.Tensor2D, lengths: ArrayLike<number>, reverse: boolean): tf.Tensor3D {
  const [B, T, G] = xProj.shape;
  const H = G / 4;
  if (u.shape[0] !== H || u.shape[1] !== G) throw new Error(`lstmSequence: recurrent kernel ${u.shape} does not fit ${H} units`);
  if (lengths.length !== B) throw new Error(`lstmSequence: ${lengths.length} lengths for batch ${B}`);
  const lens = Int32Array.from(lengths, (l) => Math.max(0, Math.min(T, l)));
  const op = customOp((xp: tf.Tensor, uk: tf.Tensor) => {
    const X = hostValues(xp);
    const U = Float32Array.from(hostValues(uk)); // a copy: the backward pass runs after other allocations
    // Uᵀ [4H, H], so each gate pre-activation is one contiguous dot product accumulated in a local.
    const UT = new Float32Array(G * H);
    for (let j = 0; j < H; j++) for (let k = 0; k < G; k++) UT[k * H + j] = U[j * G + k]!;
    const f32 = Math.fround;
    // Saved activations per (b, t): gates i f g o, cell c, tanh(c).
    const gates = new Float32Array(B * T * G);
    const cells = new Float32Array(B * T * H);
    const tanhC = new Float32Array(B * T * H);
    const out = new Float32Array(B * T * H);
    const z = new Float32Array(G);
    const nz = new Int32Array(H); // units with h ≠ 0 (adding 0·u leaves z as it is)
    for (let b = 0; b < B; b++) {
      const L = lens[b]!;
      let prevT = -1;
      for (let s = 0; s < L; s++) {
        const t = reverse ? L - 1 - s : s;
        const xo = (b * T + t) * G;
        if (prevT < 0) {
          for (let k = 0; k < G; k++) z[k] = X[xo + k]!;
        } else {
          const ho = (b * T + prevT) * H;
          let n = 0;
          for (let j = 0; j < H; j++) if (out[ho + j] !== 0) nz[n++] = j;
          // z_k = x_k + Σ_j h_j·U[j,k] in unit order, float32-rounded after every add: the same
          // arithmetic as accumulating row by row into a Float32Array. Four gates at a time: four
          // independent rounding chains keep the CPU busy (G = 4H, so G is a multiple of 4).
          for (let k = 0; k < G; k += 4) {
            let a0 = X[xo + k]!;
            let a1 = X[xo + k + 1]!;
            let a2 = X[xo + k + 2]!;
            let a3 = X[xo + k + 3]!;
            const u0 = k * H;
            for (let q = 0; q < n; q++) {
              const j = nz[q]!;
              const h = out[ho + j]!;
              const u = u0 + j;
              a0 = f32(a0 + h * UT[u]!);
              a1 = f32(a1 + h * UT[u + H]!);
              a2 = f32(a2 + h * UT[u + 2 * H]!);
              a3 = f32(a3 + h * UT[u + 3 * H]!);
            }
            z[k] = a0;
            z[k + 1] = a1;
            z[k + 2] = a2;
            z[k + 3] = a3;
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
      const DY = hostValues(dy);
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
            // Four units at a time (independent sums; each still runs over k in order).
            let j = 0;
            for (; j + 4 <= H; j += 4) {
              const u0 = j * G;
              const u1 = u0 + G;
              const u2 = u1 + G;
              const u3 = u2 + G;
              const h0 = out[ho + j]!;
              const h1 = out[ho + j + 1]!;
              const h2 = out[ho + j + 2]!;
              const h3 = out[ho + j + 3]!;
              let a0 = 0;
              let a1 = 0;
              let a2 = 0;
              let a3 = 0;
              for (let k = 0; k < G; k++) {
                const dz = dX[go + k]!;
                a0 += dz * U[u0 + k]!;
                a1 += dz * U[u1 + k]!;
                a2 += dz * U[u2 + k]!;
                a3 += dz * U[u3 + k]!;
                dU[u0 + k]! += h0 * dz;
                dU[u1 + k]! += h1 * dz;
                dU[u2 + k]! += h2 * dz;
                dU[u3 + k]! += h3 * dz;
              }
              dh[j] = a0;
              dh[j + 1] = a1;
              dh[j + 2] = a2;
              dh[j + 3] = a3;
            }
            for (; j < H; j++) {
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

/**
 * Inference-only recurrence (no gradient, nothing saved for a backward pass): the same LSTM as
 * lstmSequence for one sequence set, accumulated in float64 rather than rounded to float32 after every
 * add, so outputs differ from it by float rounding only (~1e-7). About twice as fast: it is the detector's
 * hot loop (tests/model/lstm.test.ts pins the agreement).
 */
export function lstmInfer(xProj: tf.Tensor3D, u: tf.Tensor2D, lengths: ArrayLike<number>, reverse: boolean): tf.Tensor3D {
  const [B, T, G] = xProj.shape;
  const H = G / 4;
  if (u.shape[0] !== H || u.shape[1] !== G) throw new Error(`lstmInfer: recurrent kernel ${u.shape} does not fit ${H} units`);
  if (lengths.length !== B) throw new Error(`lstmInfer: ${lengths.length} lengths for batch ${B}`);
  // The SIMD wasm kernel where the runtime has one (~5× faster); float32 throughout, as lstmSequence.
  const k = lstmKernelFits(H) ? lstmKernel() : null;
  if (k) return tf.tensor3d(k.run(hostValues(xProj), hostValues(u), B, T, H, lengths, reverse), [B, T, H]);
  return lstmInferJs(xProj, u, lengths, reverse);
}

/** lstmInfer's JS loop (runtimes without WebAssembly SIMD, and any unit count). */
export function lstmInferJs(xProj: tf.Tensor3D, u: tf.Tensor2D, lengths: ArrayLike<number>, reverse: boolean): tf.Tensor3D {
  const [B, T, G] = xProj.shape;
  const H = G / 4;
  if (u.shape[0] !== H || u.shape[1] !== G) throw new Error(`lstmInfer: recurrent kernel ${u.shape} does not fit ${H} units`);
  if (lengths.length !== B) throw new Error(`lstmInfer: ${lengths.length} lengths for batch ${B}`);
  const X = Float32Array.from(hostValues(xProj)); // a copy: the view dies at the next tf allocation
  const U = hostValues(u);
  const UT = new Float32Array(G * H);
  for (let j = 0; j < H; j++) for (let k = 0; k < G; k++) UT[k * H + j] = U[j * G + k]!;
  const out = new Float32Array(B * T * H);
  const h = new Float64Array(H);
  const c = new Float64Array(H);
  const z = new Float64Array(G);
  for (let b = 0; b < B; b++) {
    const L = Math.max(0, Math.min(T, lengths[b]!));
    h.fill(0);
    c.fill(0);
    for (let s = 0; s < L; s++) {
      const t = reverse ? L - 1 - s : s;
      const xo = (b * T + t) * G;
      // Four rows of Uᵀ at a time: four independent sums keep the CPU's pipelines busy (G = 4H).
      for (let k = 0; k < G; k += 4) {
        let a0 = X[xo + k]!;
        let a1 = X[xo + k + 1]!;
        let a2 = X[xo + k + 2]!;
        let a3 = X[xo + k + 3]!;
        const u0 = k * H;
        for (let j = 0; j < H; j++) {
          const hj = h[j]!;
          a0 += hj * UT[u0 + j]!;
          a1 += hj * UT[u0 + H + j]!;
          a2 += hj * UT[u0 + 2 * H + j]!;
          a3 += hj * UT[u0 + 3 * H + j]!;
        }
        z[k] = a0;
        z[k + 1] = a1;
        z[k + 2] = a2;
        z[k + 3] = a3;
      }
      const so = (b * T + t) * H;
      for (let j = 0; j < H; j++) {
        const i = 1 / (1 + Math.exp(-z[j]!));
        const f = 1 / (1 + Math.exp(-z[H + j]!));
        const g = Math.tanh(z[2 * H + j]!);
        const o = 1 / (1 + Math.exp(-z[3 * H + j]!));
        const cj = f * c[j]! + i * g;
        c[j] = cj;
        const hj = o * Math.tanh(cj);
        h[j] = hj;
        out[so + j] = hj;
      }
    }
  }
  return tf.tensor3d(out, [B, T, H]);
}
