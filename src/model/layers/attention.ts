// Attention pooling over time (paper eq. (4)–(5)): α_t = softmax_t(w·tanh(h_t)), out = Σ_t α_t h_t.
// A registered custom layer so plain tf.loadLayersModel rebuilds it in Node and in the browser.
import * as tf from '@tensorflow/tfjs';

/**
 * h [B, T, D], w [D, 1]; mask [B, T] (1 = real frame, 0 = padding) keeps padded frames at α = 0.
 * Returns the pooled [B, D] vector and the weights α [B, T] (sum 1 over real frames).
 */
export function attend(h: tf.Tensor3D, w: tf.Tensor2D, mask?: tf.Tensor2D): { out: tf.Tensor2D; alpha: tf.Tensor2D } {
  // No tf.tidy: this runs inside gradient tapes, which need the intermediates.
  {
    const [B, T, D] = h.shape;
    let scores = tf.matMul(tf.tanh(h).reshape([B * T, D]), w).reshape([B, T]) as tf.Tensor2D;
    if (mask) scores = tf.add(scores, tf.mul(tf.sub(1, mask), -1e9));
    const alpha = tf.softmax(scores, -1) as tf.Tensor2D;
    const out = tf.sum(tf.mul(h, alpha.expandDims(2)), 1) as tf.Tensor2D;
    return { out, alpha };
  }
}

export class MsirAttention extends tf.layers.Layer {
  static className = 'MsirAttention';
  private w: tf.LayerVariable | null = null;

  constructor(args: { name?: string; trainable?: boolean } = {}) {
    super(args);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const d = shape[shape.length - 1];
    if (typeof d !== 'number') throw new Error('MsirAttention: the feature dimension must be known');
    this.w = this.addWeight('w', [d, 1], 'float32', tf.initializers.glorotUniform({}));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [
      [s[0]!, s[2]!],
      [s[0]!, s[1]!],
    ];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    const h = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    if (!this.w) throw new Error('MsirAttention: not built');
    const { out, alpha } = attend(h, this.w.read() as tf.Tensor2D);
    return [out, alpha];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig() };
  }
}

tf.serialization.registerClass(MsirAttention);
