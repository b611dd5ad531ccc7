// The speaker-adversarial head: gradient reversal, its ramp, and the head itself.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../training/backend/index.ts';
import { SpeakerAdversary, gradientReversal, reversalScale } from '../../training/train/adversary.ts';

beforeAll(async () => {
  expect(await initBackend('wasm')).toMatch(/^wasm/);
});

describe('gradientReversal', () => {
  it('passes values through and multiplies the gradient by −scale', () => {
    const x = tf.tensor2d([[1, -2, 3], [0.5, 4, -1]]);
    const c = tf.tensor2d([[2, 3, -1], [1, 0.5, 7]]);
    const y = gradientReversal(x, 0.25);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(gradientReversal(a, 0.25), c)))(x);
    Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(-0.25 * c.dataSync()[i]!, 6));
    tf.dispose([x, c, y, g]);
  });
});

describe('reversalScale', () => {
  it('ramps from 0 towards the weight, monotonically', () => {
    expect(reversalScale(0.3, 0, 30)).toBe(0);
    const s = Array.from({ length: 31 }, (_, e) => reversalScale(0.3, e, 30));
    for (let e = 1; e < s.length; e++) expect(s[e]!).toBeGreaterThan(s[e - 1]!);
    expect(s[3]!).toBeCloseTo(0.3 * (2 / (1 + Math.exp(-1)) - 1), 12); // p = 0.1
    expect(s[30]!).toBeGreaterThan(0.2999);
    expect(s[30]!).toBeLessThanOrEqual(0.3);
  });
});

describe('SpeakerAdversary', () => {
  it('refuses fewer than two speakers', () => {
    expect(() => new SpeakerAdversary(8, 1, 1)).toThrow(/at least 2 training speakers/);
  });

  it('learns the speakers itself while sending the shared layers the reversed gradient', () => {
    const before = tf.memory().numTensors;
    const adv = new SpeakerAdversary(8, 3, 7);
    const hidden = tf.randomNormal([12, 8], 0, 1, 'float32', 11) as tf.Tensor2D;
    const targets = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32'), 3).toFloat() as tf.Tensor2D);
    // d loss / d hidden: with scale s it is −s times the plain gradient (scale −1 = no reversal).
    const gh = (s: number) => tf.grad((h: tf.Tensor) => adv.loss(h as tf.Tensor2D, targets, s))(hidden);
    const plain = gh(-1);
    const rev = gh(0.5);
    Array.from(rev.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(-0.5 * plain.dataSync()[i]!, 6));
    expect(Math.max(...Array.from(plain.dataSync(), Math.abs))).toBeGreaterThan(1e-4);
    // ... and its own weights descend their loss whatever the scale: Adam on them lowers the cross-entropy.
    const opt = tf.train.adam(0.05);
    const lossOf = () => tf.tidy(() => adv.loss(hidden, targets, 0.5).dataSync()[0]!);
    const first = lossOf();
    for (let i = 0; i < 30; i++) {
      const { value, grads } = tf.variableGrads(() => adv.loss(hidden, targets, 0.5), adv.vars);
      opt.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      value.dispose();
      tf.dispose(Object.values(grads));
    }
    expect(lossOf()).toBeLessThan(first * 0.5);
    opt.dispose();
    adv.dispose();
    tf.dispose([hidden, targets, plain, rev]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
