// Losses over the four per-emotion sigmoid outputs (each emotion a present/absent decision).
// Focal loss (paper eq. (6)): FL(p_t) = −ζ (1 − p_t)^θ log p_t, with p_t the probability of the true
// side (p if present, 1 − p if absent) and ζ, θ per emotion. θ = 0, ζ = 1 is binary cross-entropy.
import * as tf from '@tensorflow/tfjs';

export type LossName = 'focal' | 'ce';

export interface FocalParams {
  /** ζ per emotion (weight). */
  zeta: number[];
  /** θ per emotion (focusing exponent). */
  theta: number[];
}

export const DEFAULT_FOCAL: FocalParams = { zeta: [1, 1, 1, 1], theta: [2, 2, 2, 2] };

/**
 * Mean over batch and emotions of the focal loss. logits [B, E] (pre-sigmoid), targets [B, E] in {0, 1}.
 * Works on logits: log p_t = logσ(±z) stays finite for saturated outputs.
 */
/** log σ(z) = −softplus(−z). (tf.logSigmoid's gradient closes over a tensor that tf.variableGrads disposes.) */
function logSigmoid(z: tf.Tensor): tf.Tensor {
  return tf.neg(tf.softplus(tf.neg(z)));
}

/** Mean over emotions, then over the batch; with `weights` [B] a weighted mean over the batch (0 = left out). */
function reduce(perElement: tf.Tensor, weights?: tf.Tensor1D): tf.Scalar {
  if (!weights) return tf.mean(perElement) as tf.Scalar;
  const perSample = tf.mean(perElement, 1);
  return tf.div(tf.sum(tf.mul(perSample, weights)), tf.maximum(tf.sum(weights), 1e-6)) as tf.Scalar;
}

export function focalLoss(logits: tf.Tensor2D, targets: tf.Tensor2D, params: FocalParams = DEFAULT_FOCAL, weights?: tf.Tensor1D): tf.Scalar {
  const e = logits.shape[1];
  if (params.zeta.length !== e || params.theta.length !== e) throw new Error(`focal loss needs ζ and θ for ${e} emotions`);
  // No tf.tidy: this runs inside gradient tapes.
  {
    const sign = tf.sub(tf.mul(targets, 2), 1);
    const logPt = logSigmoid(tf.mul(logits, sign));
    const pt = tf.exp(logPt);
    const theta = tf.tensor1d(params.theta);
    const zeta = tf.tensor1d(params.zeta);
    // (1 − p_t)^θ, written as exp(θ·log(1 − p_t)) with 1 − p_t = σ(−z_t) to stay exact near p_t = 1.
    const logOneMinus = logSigmoid(tf.neg(tf.mul(logits, sign)));
    const modulator = tf.where(tf.equal(theta, 0), tf.onesLike(pt), tf.exp(tf.mul(theta, logOneMinus)));
    return reduce(tf.mul(tf.neg(zeta), tf.mul(modulator, logPt)), weights);
  }
}

/** Binary cross-entropy ("w/o FL"), mean over batch and emotions. */
export function crossEntropyLoss(logits: tf.Tensor2D, targets: tf.Tensor2D, weights?: tf.Tensor1D): tf.Scalar {
  return reduce(tf.neg(logSigmoid(tf.mul(logits, tf.sub(tf.mul(targets, 2), 1)))), weights);
}

/** Softmax cross-entropy, mean over the batch: targets [B, K] one-hot (or soft), logits [B, K]. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}
