import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { crossEntropyLoss, focalLoss } from '../../src/model/losses.ts';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('focal loss', () => {
  it('matches −ζ(1−p_t)^θ log p_t computed by hand, per emotion ζ and θ', () => {
    const logits = [
      [2, -1, 0.5, -3],
      [-0.2, 1.5, -2, 0.1],
    ];
    const targets = [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
    ];
    const zeta = [0.25, 0.5, 1, 2];
    const theta = [2, 0, 1, 3];
    // by hand: p_t = σ(z) if y = 1 else 1 − σ(z)
    let sum = 0;
    for (let b = 0; b < 2; b++)
      for (let e = 0; e < 4; e++) {
        const p = sigmoid(logits[b]![e]!);
        const pt = targets[b]![e] ? p : 1 - p;
        sum += -zeta[e]! * (1 - pt) ** theta[e]! * Math.log(pt);
      }
    const expected = sum / 8;
    const got = focalLoss(tf.tensor2d(logits), tf.tensor2d(targets), { zeta, theta }).dataSync()[0]!;
    expect(got).toBeCloseTo(expected, 6);
    // one hand-written term as a spot check: b=0, e=0: p = σ(2) = 0.880797, FL = −0.25·0.119203²·ln 0.880797
    expect(-0.25 * 0.119203 ** 2 * Math.log(0.880797)).toBeCloseTo(0.000451, 6);
  });

  it('is cross-entropy when θ = 0 and ζ = 1, and stays finite for saturated logits', () => {
    const logits = tf.tensor2d([[40, -40, 3, -0.5]]);
    const targets = tf.tensor2d([[1, 0, 0, 1]]);
    const fl = focalLoss(logits, targets, { zeta: [1, 1, 1, 1], theta: [0, 0, 0, 0] }).dataSync()[0]!;
    const ce = crossEntropyLoss(logits, targets).dataSync()[0]!;
    const byHand = (-Math.log(sigmoid(40)) - Math.log(1 - sigmoid(-40)) - Math.log(1 - sigmoid(3)) - Math.log(sigmoid(-0.5))) / 4;
    expect(ce).toBeCloseTo(byHand, 6);
    expect(fl).toBeCloseTo(ce, 6);
    const wrong = focalLoss(tf.tensor2d([[-60, 60, 0, 0]]), tf.tensor2d([[1, 0, 0, 0]])).dataSync()[0]!;
    expect(Number.isFinite(wrong)).toBe(true);
    expect(wrong).toBeGreaterThan(25);
  });

  it('down-weights easy examples relative to cross-entropy', () => {
    const easy = tf.tensor2d([[4, -4, -4, -4]]);
    const y = tf.tensor2d([[1, 0, 0, 0]]);
    const ratio = focalLoss(easy, y, { zeta: [1, 1, 1, 1], theta: [2, 2, 2, 2] }).dataSync()[0]! / crossEntropyLoss(easy, y).dataSync()[0]!;
    expect(ratio).toBeLessThan(0.001);
  });

  it('rejects ζ/θ of the wrong length', () => {
    expect(() => focalLoss(tf.zeros([1, 4]) as tf.Tensor2D, tf.zeros([1, 4]) as tf.Tensor2D, { zeta: [1], theta: [2, 2, 2, 2] })).toThrow(/ζ and θ/);
  });
});

describe('per-sample weights and the auxiliary softmax loss', () => {
  const logits = [
    [2, -1, 0.5, -3],
    [-0.2, 1.5, -2, 0.1],
    [0.3, 0.3, -0.7, 1.2],
  ];
  const targets = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 0, 0], // a clip outside the four emotions: weight 0 below
  ];
  const params = { zeta: [1, 1, 1, 1], theta: [2, 2, 2, 2] };
  it('weight 0 leaves a sample out; weights 1 give the plain mean', () => {
    const two = focalLoss(tf.tensor2d(logits.slice(0, 2)), tf.tensor2d(targets.slice(0, 2)), params).dataSync()[0]!;
    const w = focalLoss(tf.tensor2d(logits), tf.tensor2d(targets), params, tf.tensor1d([1, 1, 0])).dataSync()[0]!;
    expect(w).toBeCloseTo(two, 6);
    const all = focalLoss(tf.tensor2d(logits), tf.tensor2d(targets), params).dataSync()[0]!;
    expect(focalLoss(tf.tensor2d(logits), tf.tensor2d(targets), params, tf.tensor1d([1, 1, 1])).dataSync()[0]!).toBeCloseTo(all, 6);
    const ce2 = crossEntropyLoss(tf.tensor2d(logits.slice(0, 2)), tf.tensor2d(targets.slice(0, 2))).dataSync()[0]!;
    expect(crossEntropyLoss(tf.tensor2d(logits), tf.tensor2d(targets), tf.tensor1d([1, 1, 0])).dataSync()[0]!).toBeCloseTo(ce2, 6);
    // all weights 0: 0, not NaN
    expect(focalLoss(tf.tensor2d(logits), tf.tensor2d(targets), params, tf.tensor1d([0, 0, 0])).dataSync()[0]!).toBe(0);
  });

  it('softmax cross-entropy matches −log softmax(z)_y by hand', async () => {
    const { softmaxCrossEntropy } = await import('../../src/model/losses.ts');
    const z = [
      [1, 2, 0.5],
      [-1, 0, 3],
    ];
    const y = [1, 2];
    const hand = z.map((r, i) => -(r[y[i]!]! - Math.log(r.reduce((s, v) => s + Math.exp(v), 0)))).reduce((a, b) => a + b) / 2;
    const got = softmaxCrossEntropy(tf.tensor2d(z), tf.oneHot(tf.tensor1d(y, 'int32'), 3).toFloat() as tf.Tensor2D).dataSync()[0]!;
    expect(got).toBeCloseTo(hand, 6);
  });
});
