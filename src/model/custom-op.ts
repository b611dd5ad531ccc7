// tf.customGrad with loosely typed callbacks (its declared types fix one tensor rank for value and dy).
import * as tf from '@tensorflow/tfjs';

type Saver = tf.GradSaveFunc;
export type CustomOpFn = (...args: never[]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };

export function customOp(f: CustomOpFn): (...inputs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor;
}
export type { Saver };
