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
