// End to end at the real width: 768-wide wav2vec2 frames (generated model, real transformers.js path) feed the
// MSIR w2v branch (engineer D's tfjs model) and come out as four probabilities and a w2v attention over time.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Wav2Vec2Encoder } from '../../src/ssl/encoder.ts';
import { buildMsirModel } from '../../src/model/msir.ts';
import { makeConfig } from '../../src/model/presets.ts';
import { synthesizeWav2Vec2 } from './synthesize.ts';

describe('w2v branch at the classifier input width', () => {
  it('768-d encoder frames run through the MSIR w2v branch', async () => {
    const cfg = makeConfig('tiny', ['w2v']);
    expect(cfg.inputs.w2vHidden).toBe(768);
    const enc = await Wav2Vec2Encoder.load({ model: await synthesizeWav2Vec2('w768-small'), expectHiddenSize: cfg.inputs.w2vHidden });
    const audio = new Float32Array(40000).map((_, i) => 0.25 * Math.sin(i * 0.019) + 0.03 * Math.sin(i * 0.9));
    const w2v = await enc.encode(audio);
    await enc.dispose();
    expect([w2v.frames, w2v.hidden]).toEqual([124, 768]);

    const model = buildMsirModel(cfg, 3);
    const outs = tf.tidy(() => {
      const y = model.predict(tf.tensor3d(w2v.data, [1, w2v.frames, w2v.hidden])) as tf.Tensor[];
      return y.map((t) => t.dataSync().slice());
    });
    model.dispose();
    const [probs, attention] = outs as [Float32Array, Float32Array];
    expect(probs.length).toBe(4);
    for (const p of probs) expect(p > 0 && p < 1).toBe(true);
    expect(attention.length).toBe(Math.floor(w2v.frames / cfg.w2v.timePool));
    expect(attention.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });
});
