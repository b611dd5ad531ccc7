// The training graph vs the exported layers model, and masking: a clip padded inside a batch must
// score exactly as the same clip alone.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MsirGraph, crStride, initWeights } from '../../src/model/graph.ts';
import { buildMsirModel } from '../../src/model/msir.ts';
import { makeConfig, crSteps } from '../../src/model/presets.ts';

const cfg = makeConfig('tiny', ['cr', 'lld', 'w2v']);
cfg.inputs.w2vHidden = 12;
const model = buildMsirModel(cfg, 3);
initWeights(model, 3);
const graph = new MsirGraph(model, cfg);

function inputs(T: number, seed: number) {
  return {
    logmel: tf.randomNormal([1, T, 40, 2], 0, 1, 'float32', seed) as tf.Tensor4D,
    lld: tf.randomNormal([1, T, 195], 0, 1, 'float32', seed + 1) as tf.Tensor3D,
    w2v: tf.randomNormal([1, T / 2, 12], 0, 1, 'float32', seed + 2) as tf.Tensor3D,
  };
}

function padTo<T extends tf.Tensor>(x: T, len: number): T {
  const pad = x.shape.map((_, i) => (i === 1 ? [0, len - x.shape[1]!] : [0, 0])) as Array<[number, number]>;
  return tf.pad(x, pad) as T;
}

describe('MSIR training graph', () => {
  it('gives the layers model’s outputs (inference mode)', () => {
    const x = inputs(48, 1);
    const outs = model.predict([x.logmel, x.lld, x.w2v]) as tf.Tensor[];
    const g = graph.forward({ logmel: x.logmel, logmelLengths: [48], lld: x.lld, lldLengths: [48], w2v: x.w2v, w2vLengths: [24] }, false);
    expect(Array.from(tf.sigmoid(g.logits).dataSync()).map((v) => v.toFixed(5))).toEqual(Array.from(outs[0]!.dataSync()).map((v) => v.toFixed(5)));
    const att = g.attention.cr!.dataSync();
    outs[1]!.dataSync().forEach((v, i) => expect(att[i]).toBeCloseTo(v, 5));
  });

  it('masks padding: a clip padded in a batch scores as it does alone; attention sums to 1 over real frames, 0 on padding', () => {
    const short = inputs(24, 10); // 24 frames: not a multiple of every pooling factor once padded
    const long = inputs(64, 20);
    const alone = graph.forward({ logmel: short.logmel, logmelLengths: [24], lld: short.lld, lldLengths: [24], w2v: short.w2v, w2vLengths: [12] }, false);
    const batch = graph.forward(
      {
        logmel: tf.concat([padTo(short.logmel, 64), long.logmel]),
        logmelLengths: [24, 64],
        lld: tf.concat([padTo(short.lld, 64), long.lld]),
        lldLengths: [24, 64],
        w2v: tf.concat([padTo(short.w2v, 32), long.w2v]),
        w2vLengths: [12, 32],
      },
      false,
    );
    const a = alone.logits.dataSync();
    const b = batch.logits.dataSync().slice(0, 4);
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 5));
    const att = batch.attention.cr!.arraySync() as number[][];
    const real = crSteps(cfg, 24);
    expect(att[0]!.slice(0, real).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    expect(att[0]!.slice(real).every((v) => v === 0)).toBe(true);
    const lldAtt = batch.attention.lld!.arraySync() as number[][];
    expect(lldAtt[0]!.slice(0, 24 / cfg.lld.timePool).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    expect(lldAtt[0]!.slice(24 / cfg.lld.timePool).every((v) => v === 0)).toBe(true);
    // the padding's content is irrelevant too: junk instead of zeros in the LLD/w2v padding changes nothing
    const junk = graph.forward(
      {
        logmel: tf.concat([padTo(short.logmel, 64), long.logmel]),
        logmelLengths: [24, 64],
        lld: tf.concat([tf.concat([short.lld, tf.fill([1, 40, 195], 7)], 1), long.lld]) as tf.Tensor3D,
        lldLengths: [24, 64],
        w2v: tf.concat([tf.concat([short.w2v, tf.fill([1, 20, 12], -5)], 1), long.w2v]) as tf.Tensor3D,
        w2vLengths: [12, 32],
      },
      false,
    );
    junk.logits.dataSync().slice(0, 4).forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 5));
  });

  it('masks padding in training mode too (BatchNorm statistics over real frames only)', () => {
    const x = inputs(32, 30);
    const y = inputs(32, 40);
    const ls = [32, 32];
    const exact = graph.forward({ logmel: tf.concat([x.logmel, y.logmel]), logmelLengths: ls, lld: tf.concat([x.lld, y.lld]), lldLengths: ls, w2v: tf.concat([x.w2v, y.w2v]), w2vLengths: [16, 16] }, true, 1);
    const padded = graph.forward(
      {
        logmel: padTo(tf.concat([x.logmel, y.logmel]), 32 + crStride(cfg)),
        logmelLengths: ls,
        lld: padTo(tf.concat([x.lld, y.lld]), 48),
        lldLengths: ls,
        w2v: padTo(tf.concat([x.w2v, y.w2v]), 24),
        w2vLengths: [16, 16],
      },
      true,
      1,
    );
    const a = exact.logits.dataSync();
    padded.logits.dataSync().forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 4));
  });

  it('rejects a batch length that is not a multiple of the pooling', () => {
    const x = inputs(30, 50);
    expect(() => graph.forward({ logmel: x.logmel, logmelLengths: [30], lld: x.lld, lldLengths: [30], w2v: x.w2v, w2vLengths: [15] }, false)).toThrow(/multiple/);
  });
});

describe('branch subsets and input variants (paper Table 1)', () => {
  const cases: Array<{ branches: Array<'cr' | 'lld' | 'w2v'>; logmel?: '2d' | '3d'; lld?: '1d' | '2d' | '3d' }> = [
    { branches: ['cr'], logmel: '3d' },
    { branches: ['lld'], lld: '1d' },
    { branches: ['lld'], lld: '2d' },
    { branches: ['w2v'] },
    { branches: ['cr', 'w2v'], logmel: '2d' },
  ];
  for (const c of cases) {
    it(`${c.branches.join('+')} ${c.logmel ?? ''}${c.lld ?? ''}: graph equals the layers model`, () => {
      const conf = makeConfig('tiny', c.branches, { ...(c.logmel ? { logmel: c.logmel } : {}), ...(c.lld ? { lld: c.lld } : {}), w2vHidden: 10 });
      const m = buildMsirModel(conf, 2);
      initWeights(m, 2);
      const g = new MsirGraph(m, conf);
      const T = 40;
      const x: tf.Tensor[] = [];
      const batch: Parameters<MsirGraph['forward']>[0] = {};
      for (const b of conf.branches) {
        if (b === 'cr') x.push((batch.logmel = tf.randomNormal([1, T, 40, c.logmel === '3d' ? 3 : 2], 0, 1, 'float32', 3) as tf.Tensor4D)), (batch.logmelLengths = [T]);
        if (b === 'lld') x.push((batch.lld = tf.randomNormal([1, T, c.lld === '1d' ? 65 : c.lld === '2d' ? 130 : 195], 0, 1, 'float32', 4) as tf.Tensor3D)), (batch.lldLengths = [T]);
        if (b === 'w2v') x.push((batch.w2v = tf.randomNormal([1, T / 2, 10], 0, 1, 'float32', 5) as tf.Tensor3D)), (batch.w2vLengths = [T / 2]);
      }
      const ref = (m.predict(x) as tf.Tensor[])[0]!.dataSync();
      const got = tf.sigmoid(g.forward(batch, false).logits).dataSync();
      got.forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 5));
      expect(m.inputs.length).toBe(conf.branches.length);
    });
  }
});
