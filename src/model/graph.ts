// The training graph: MSIR forward pass written with fast ops (ops.ts, lstm.ts) over the variables of
// the layers model built by msir.ts. Batches are zero-padded; per-sequence lengths mask the padding
// out of BatchNorm statistics, the recurrences and attention, so a padded clip scores exactly as the
// same clip alone.
import * as tf from '@tensorflow/tfjs';
import type { Branch } from './manifest.ts';
import { attend } from './layers/attention.ts';
import { lstmInfer, lstmSequence } from './lstm.ts';
import { conv2dSame, linearNd, maskedBatchNorm, maxPoolValid } from './ops.ts';
import { layerNames } from './msir.ts';
import type { MsirConfig } from './presets.ts';

export interface GraphBatch {
  /** [B, T, 40, C], T a multiple of crStride(cfg). */
  logmel?: tf.Tensor4D;
  logmelLengths?: number[];
  /** [B, T, D], T a multiple of cfg.lld.timePool. */
  lld?: tf.Tensor3D;
  lldLengths?: number[];
  w2v?: tf.Tensor3D;
  w2vLengths?: number[];
}

export interface GraphOutput {
  logits: tf.Tensor2D;
  /** The head's hidden layer (after dropout in training): what auxiliary training heads read. */
  hidden: tf.Tensor2D;
  attention: Partial<Record<Branch, tf.Tensor2D>>;
}

/** Time frames one CR recurrent step covers. Padded batch lengths must be multiples of it. */
export function crStride(cfg: MsirConfig): number {
  return 2 ** cfg.cr.convFilters.length * cfg.cr.timePool;
}

const BN_EPSILON = 1e-3; // tf.layers.batchNormalization's default, used by the exported model
const BN_MOMENTUM = 0.9;

function maskTensor(lengths: number[], T: number): tf.Tensor2D {
  const m = new Float32Array(lengths.length * T);
  lengths.forEach((l, b) => m.fill(1, b * T, b * T + Math.min(l, T)));
  return tf.tensor2d(m, [lengths.length, T]);
}

export class MsirGraph {
  readonly trainable: tf.Variable[];
  constructor(
    readonly model: tf.LayersModel,
    readonly cfg: MsirConfig,
  ) {
    this.trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  private vars<T extends tf.Tensor[]>(layer: string): T {
    return this.model.getLayer(layer).weights.map((w) => w.read()) as unknown as T;
  }

  private bilstm(x: tf.Tensor3D, lengths: number[], layer: string, merge: 'concat' | 'sum', training: boolean): tf.Tensor3D {
    const [wf, uf, bf, wb, ub, bb] = this.vars<[tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D]>(layer);
    // Training needs the float32-exact recurrence with its backward pass; inference the lean one.
    const run = training ? lstmSequence : lstmInfer;
    const fwd = run(tf.add(linearNd(x, wf), bf) as tf.Tensor3D, uf, lengths, false);
    const bwd = run(tf.add(linearNd(x, wb), bb) as tf.Tensor3D, ub, lengths, true);
    return merge === 'concat' ? tf.concat([fwd, bwd], 2) : tf.add(fwd, bwd);
  }

  private batchNorm(x: tf.Tensor4D, lengths: number[], i: number, training: boolean): tf.Tensor4D {
    const [gamma, beta, movMean, movVar] = this.vars<[tf.Tensor1D, tf.Tensor1D, tf.Variable, tf.Variable]>(layerNames.bn(i));
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (training) {
      const [B, T, F] = x.shape;
      const rows = new Float32Array(B * T * F);
      lengths.forEach((l, b) => rows.fill(1, b * T * F, (b * T + Math.min(l, T)) * F));
      const r = maskedBatchNorm(x, tf.tensor2d(rows, [B * T * F, 1]), gamma, beta, BN_EPSILON);
      const [mv, vv] = [r.mean, r.variance];
      tf.tidy(() => {
        movMean.assign(tf.add(tf.mul(movMean, BN_MOMENTUM), tf.mul(mv, 1 - BN_MOMENTUM)));
        movVar.assign(tf.add(tf.mul(movVar, BN_MOMENTUM), tf.mul(vv, 1 - BN_MOMENTUM)));
      });
      mv.dispose();
      vv.dispose();
      return r.y;
    } else {
      mean = movMean;
      variance = movVar;
    }
    return tf.add(tf.mul(tf.sub(x, mean), tf.mul(tf.rsqrt(tf.add(variance, BN_EPSILON)), gamma)), beta) as tf.Tensor4D;
  }

  /** Forward pass. In training mode BatchNorm uses (and updates) batch statistics and dropout is on. */
  forward(batch: GraphBatch, training: boolean, seed = 0): GraphOutput {
    const cfg = this.cfg;
    const pooled: tf.Tensor2D[] = [];
    const attention: Partial<Record<Branch, tf.Tensor2D>> = {};
    for (const branch of cfg.branches) {
      if (branch === 'cr') {
        if (!batch.logmel || !batch.logmelLengths) throw new Error('batch lacks logmel');
        let x = batch.logmel;
        let lengths = batch.logmelLengths;
        if (x.shape[1] % crStride(cfg) !== 0) throw new Error(`logmel batch length ${x.shape[1]} is not a multiple of ${crStride(cfg)}`);
        cfg.cr.convFilters.forEach((_, i) => {
          const [w] = this.vars<[tf.Tensor4D]>(layerNames.conv(i));
          x = conv2dSame(x, w, i > 0);
          x = this.batchNorm(x, lengths, i, training);
          // LeakyReLU is monotonic, so pooling first gives the same numbers on a quarter of the data.
          x = tf.leakyRelu(maxPoolValid(x, 2, 2), cfg.leakyAlpha);
          lengths = lengths.map((l) => Math.floor(l / 2));
          // Zero the padding again: the next conv must see what its own 'same' padding would give.
          const [B, T] = x.shape;
          x = tf.mul(x, maskTensor(lengths, T).reshape([B, T, 1, 1]));
        });
        const p = cfg.cr.timePool;
        if (p > 1) {
          x = maxPoolValid(x, p, 1);
          lengths = lengths.map((l) => Math.floor(l / p));
        }
        const [B, T, F, C] = x.shape;
        const [wd, bd] = this.vars<[tf.Tensor2D, tf.Tensor1D]>(layerNames.crDense);
        let seq = tf.leakyRelu(tf.add(linearNd(x.reshape([B, T, F * C]), wd), bd), cfg.leakyAlpha) as tf.Tensor3D;
        seq = this.bilstm(seq, lengths, layerNames.bilstm('cr'), 'concat', training);
        const [aw] = this.vars<[tf.Tensor2D]>(layerNames.attention('cr'));
        const { out, alpha } = attend(seq, aw, maskTensor(lengths, T));
        pooled.push(out);
        attention.cr = alpha;
      } else {
        const x0 = branch === 'lld' ? batch.lld : batch.w2v;
        const l0 = branch === 'lld' ? batch.lldLengths : batch.w2vLengths;
        if (!x0 || !l0) throw new Error(`batch lacks ${branch}`);
        const p = branch === 'lld' ? cfg.lld.timePool : cfg.w2v.timePool;
        const [B, T0, D] = x0.shape;
        if (T0 % p !== 0) throw new Error(`${branch} batch length ${T0} is not a multiple of ${p}`);
        const x = p > 1 ? (tf.mean(x0.reshape([B, T0 / p, p, D]), 2) as tf.Tensor3D) : x0;
        const lengths = l0.map((l) => Math.floor(l / p));
        const seq = this.bilstm(x, lengths, layerNames.bilstm(branch), 'sum', training);
        const [aw] = this.vars<[tf.Tensor2D]>(layerNames.attention(branch));
        const { out, alpha } = attend(seq, aw, maskTensor(lengths, T0 / p));
        pooled.push(out);
        attention[branch] = alpha;
      }
    }
    let h: tf.Tensor2D = pooled.length > 1 ? tf.concat(pooled, 1) : pooled[0]!;
    const [w1, b1] = this.vars<[tf.Tensor2D, tf.Tensor1D]>(layerNames.headDense);
    h = tf.relu(tf.add(linearNd(h, w1), b1)) as tf.Tensor2D;
    if (training && cfg.head.dropout > 0) h = tf.dropout(h, cfg.head.dropout, undefined, seed) as tf.Tensor2D;
    const [w2, b2] = this.vars<[tf.Tensor2D, tf.Tensor1D]>(layerNames.out);
    const logits = tf.add(linearNd(h, w2), b2) as tf.Tensor2D;
    return { logits, hidden: h, attention };
  }
}

/** Glorot-uniform values for a kernel of `shape` ([…receptive field, fanIn, fanOut]), drawn by seed. */
export function glorotUniform(shape: number[], seed: number): tf.Tensor {
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = (shape.length >= 2 ? shape[shape.length - 2]! : 1) * receptive;
  const fanOut = shape[shape.length - 1]! * receptive;
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -limit, limit, 'float32', seed);
}

/** Deterministic initialisation by seed: Glorot-uniform kernels, zero biases (LSTM forget gate 1). */
export function initWeights(model: tf.LayersModel, seed: number): void {
  let k = 0;
  tf.tidy(() => {
    for (const w of model.weights) {
      const v = w.read() as tf.Variable;
      const name = w.originalName ?? w.name;
      const shape = v.shape;
      let value: tf.Tensor;
      if (/moving_variance|gamma$/.test(name)) value = tf.onesLike(v);
      else if (/moving_mean|beta$/.test(name)) value = tf.zerosLike(v);
      else if (/bias$/.test(name)) {
        if (/lstm/.test(name)) {
          const h = shape[0]! / 4;
          const b = new Float32Array(shape[0]!);
          b.fill(1, h, 2 * h);
          value = tf.tensor1d(b);
        } else value = tf.zerosLike(v);
      } else value = glorotUniform(shape, seed * 7919 + k++);
      v.assign(value);
    }
  });
}
