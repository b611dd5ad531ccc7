// End to end at the real width: 768-wide wav2vec2 frames (generated model, real transformers.js path) feed the
// MSIR w2v branch (engineer D's tfjs model) and come out as four probabilities and a w2v attention over time.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Wav2Vec2Encoder } from '../../src/ssl/encoder.ts';
import { buildMsirModel } from '../../src/model/msir.ts';
import { makeConfig } from '../../src/model/presets.ts';
import { resolve } from 'node:path';
import { readAudioFile } from '../../src/audio/node.ts';
import { ROOT, synthesizeWav2Vec2 } from './synthesize.ts';

// A real RAVDESS utterance (neutral, actor 1), decoded by the project's own FLAC path.
const CLIP = resolve(ROOT, '../shared/corpora/ravdess/audio/Actor_01/03-01-01-01-01-01-01.flac');

describe('w2v branch at the classifier input width', () => {
  it('768-d encoder frames of a real RAVDESS clip run through the MSIR w2v branch', async () => {
    const cfg = makeConfig('tiny', ['w2v']);
    expect(cfg.inputs.w2vHidden).toBe(768);
    const enc = await Wav2Vec2Encoder.load({ model: await synthesizeWav2Vec2('w768-small'), expectHiddenSize: cfg.inputs.w2vHidden });
    const audio = await readAudioFile(CLIP);
    const w2v = await enc.encode(audio);
    await enc.dispose();
    expect([w2v.frames, w2v.hidden]).toEqual([Math.floor((audio.length - 400) / 320) + 1, 768]);
    expect(w2v.frames).toBeGreaterThan(150); // ≈3.3 s at 50 Hz

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
