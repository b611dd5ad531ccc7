// Speaker-adversarial head (training only, dropped at export): a small MLP that learns to tell the
// training speakers apart from the detectors' hidden layer, behind a gradient-reversal layer (Ganin &
// Lempitsky 2015), so the shared layers are pushed towards features that do not identify the speaker.
// Why: the default model's remaining errors are speaker-specific (one speaker's happy sounds like
// another's angry).
import * as tf from '@tensorflow/tfjs';
import { glorotUniform } from '../../src/model/graph.ts';
import { softmaxCrossEntropy } from '../../src/model/losses.ts';

/** Identity forward; the backward pass multiplies the incoming gradient by −scale. */
export function gradientReversal<T extends tf.Tensor>(x: T, scale: number): T {
  const f = tf.customGrad((input) => {
    const t = input as tf.Tensor;
    return { value: tf.clone(t), gradFunc: (dy: tf.Tensor) => tf.mul(dy, -scale) };
  });
  return f(x) as T;
}

/**
 * DANN's ramp of the reversal strength: 0 at the start, → weight as training proceeds
 * (2/(1+e^(−10p)) − 1 at progress p = epoch/epochs), so the adversary first learns on features that
 * mean something before its gradient reaches them.
 */
export function reversalScale(weight: number, epoch: number, epochs: number): number {
  const p = Math.min(1, Math.max(0, epoch / epochs));
  return weight * (2 / (1 + Math.exp(-10 * p)) - 1);
}

export class SpeakerAdversary {
  readonly vars: tf.Variable[];

  /** inDim: the head's hidden width; speakers: number of training speakers; Glorot-uniform by seed. */
  constructor(inDim: number, speakers: number, seed: number) {
    if (!(Number.isInteger(speakers) && speakers >= 2)) throw new Error(`the speaker-adversarial head needs at least 2 training speakers, got ${speakers}`);
    const hidden = inDim;
    this.vars = tf.tidy(() =>
      [glorotUniform([inDim, hidden], seed + 104729), tf.zeros([hidden]), glorotUniform([hidden, speakers], seed + 130363), tf.zeros([speakers])].map((t) => tf.variable(t)),
    );
  }

  /** Speaker cross-entropy on `hidden` behind a reversal of strength `scale` (call inside the loss function). */
  loss(hidden: tf.Tensor2D, targets: tf.Tensor2D, scale: number): tf.Scalar {
    const [w1, b1, w2, b2] = this.vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    const h = tf.relu(tf.add(tf.matMul(gradientReversal(hidden, scale), w1), b1)) as tf.Tensor2D;
    return softmaxCrossEntropy(tf.add(tf.matMul(h, w2), b2) as tf.Tensor2D, targets);
  }

  dispose(): void {
    this.vars.forEach((v) => v.dispose());
  }
}
