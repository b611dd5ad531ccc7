// The wav2vec2 encoder through the real transformers.js + onnxruntime-node path, on generated fixtures.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { Wav2Vec2Encoder, MIN_SAMPLES } from '../../src/ssl/encoder.ts';
import { SslError, type SslErrorCode } from '../../src/ssl/errors.ts';
import { encoderIdentity } from '../../src/ssl/identity-node.ts';
import { checkEncoderMatches } from '../../src/ssl/identity.ts';
import { readTinyReference, synthesizeWav2Vec2, TINY, TINY_CTC } from './synthesize.ts';

async function rejectsWith(p: Promise<unknown>, code: SslErrorCode, pattern: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SslError);
  expect((err as SslError).code).toBe(code);
  expect((err as SslError).message).toMatch(pattern);
}

const fetchSpy = vi.spyOn(globalThis, 'fetch');
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'msir-ssl-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
  // Nothing in this file may touch the network: every load is local-only.
  expect(fetchSpy).not.toHaveBeenCalled();
  fetchSpy.mockRestore();
});

describe('Wav2Vec2Encoder on the tiny fixture (Node, onnxruntime-node)', () => {
  let enc: Wav2Vec2Encoder;
  beforeAll(async () => {
    enc = await Wav2Vec2Encoder.load({ model: TINY });
  });
  afterAll(async () => enc.dispose());

  it('reports what runs and a sha256 of onnx/model.onnx', async () => {
    const sha = createHash('sha256').update(await readFile(join(TINY, 'onnx/model.onnx'))).digest('hex');
    expect(enc.info).toEqual({ name: 'wav2vec2-tiny', hiddenSize: 32, sha256: sha, device: 'cpu', dtype: 'fp32' });
    expect(env.allowRemoteModels).toBe(false);
  });

  it('matches the PyTorch reference within 1e-4', async () => {
    const ref = await readTinyReference();
    const out = await enc.encode(ref.input);
    expect([out.frames, out.hidden]).toEqual([ref.frames, ref.hidden]);
    let maxDiff = 0;
    for (let i = 0; i < ref.output.length; i++) maxDiff = Math.max(maxDiff, Math.abs(out.data[i]! - ref.output[i]!));
    expect(maxDiff).toBeLessThan(1e-4);
    // A wrong preprocessor (no normalisation) must NOT match: the reference is sensitive to it.
    const raw = await enc.encode(ref.input.map((v) => v * 3));
    let same = true;
    for (let i = 0; i < ref.output.length && same; i++) same = Math.abs(raw.data[i]! - ref.output[i]!) < 1e-4;
    expect(same).toBe(true); // do_normalize: a gain change is normalised away…
    const shifted = await enc.encode(ref.input.map((v, i) => (i < 8000 ? v : 0)));
    let differs = false;
    for (let i = 0; i < ref.output.length && !differs; i++) differs = Math.abs(shifted.data[i]! - ref.output[i]!) > 1e-3;
    expect(differs).toBe(true); // …but different audio gives different features
  });

  it('frames follow the conv encoder: floor((n - 400) / 320) + 1', async () => {
    for (const n of [400, 719, 720, 16000]) {
      const out = await enc.encode(new Float32Array(n).map((_, i) => Math.sin(i * 0.05)));
      expect(out.frames).toBe(Math.floor((n - 400) / 320) + 1);
      expect(out.data.length).toBe(out.frames * 32);
    }
  });

  it('rejects bad audio with typed errors', async () => {
    await rejectsWith(enc.encode(new Float32Array(MIN_SAMPLES - 1)), 'bad-input', /receptive field/);
    const nan = new Float32Array(1000);
    nan[500] = Number.NaN;
    await rejectsWith(enc.encode(nan), 'bad-input', /sample 500 is not finite/);
    await rejectsWith(enc.encode([0, 1] as unknown as Float32Array), 'bad-input', /Float32Array/);
  });

  it('identity helpers agree with the loaded encoder', async () => {
    const id = await encoderIdentity(TINY);
    expect(id).toEqual({ name: enc.info.name, hiddenSize: enc.info.hiddenSize, sha256: enc.info.sha256 });
    expect(() => checkEncoderMatches(id, enc.info)).not.toThrow();
    expect(() => checkEncoderMatches({ ...id, sha256: 'f'.repeat(64) }, enc.info)).toThrow(/not the one this model was trained on.*sha256/);
    expect(() => checkEncoderMatches({ ...id, hiddenSize: 768 }, enc.info)).toThrow(/hidden size 32, expected 768/);
    expect(() => checkEncoderMatches(null, enc.info)).toThrow(/no wav2vec2 branch/);
  });
});

describe('Wav2Vec2Encoder refuses what it cannot use', () => {
  it('a CTC export (outputs logits)', async () => {
    await rejectsWith(Wav2Vec2Encoder.load({ model: TINY_CTC }), 'ctc-export', /outputs "logits".*feature-extraction/);
  });

  it('a width other than the classifier expects', async () => {
    await rejectsWith(Wav2Vec2Encoder.load({ model: TINY, expectHiddenSize: 768 }), 'hidden-size-mismatch', /32 wide but 768 is expected/);
  });

  it('a graph whose output width contradicts config.json', async () => {
    const dir = join(scratch, 'lying-config');
    await cp(TINY, dir, { recursive: true });
    const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...cfg, hidden_size: 48 }));
    const enc = await Wav2Vec2Encoder.load({ model: dir });
    await rejectsWith(enc.encode(new Float32Array(1600).fill(0.1)), 'hidden-size-mismatch', /outputs 32 values per frame but config.json says hidden_size 48/);
    await enc.dispose();
    await rejectsWith(enc.encode(new Float32Array(1600)), 'disposed', /disposed/);
  });

  it('a missing folder, a folder without weights, and a hub id (remote loading is off)', async () => {
    await rejectsWith(Wav2Vec2Encoder.load({ model: join(scratch, 'nope') }), 'model-missing', /does not exist/);
    await rejectsWith(Wav2Vec2Encoder.load({ model: 'facebook/wav2vec2-base-960h' }), 'model-missing', /does not exist/);
    const dir = join(scratch, 'no-weights');
    await cp(TINY, dir, { recursive: true });
    await rm(join(dir, 'onnx'), { recursive: true });
    await rejectsWith(Wav2Vec2Encoder.load({ model: dir }), 'model-missing', /onnx\/model.onnx/);
    await rejectsWith(Wav2Vec2Encoder.load({ model: dir, dtype: 'q8' }), 'model-missing', /model_quantized.onnx/);
  });

  it('a model that is not wav2vec2, and browser-only devices in Node', async () => {
    const dir = join(scratch, 'bert');
    await cp(TINY, dir, { recursive: true });
    await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 32 }));
    await rejectsWith(Wav2Vec2Encoder.load({ model: dir }), 'not-wav2vec2', /model_type "bert"/);
    await rejectsWith(Wav2Vec2Encoder.load({ model: TINY, device: 'webgpu' }), 'device-unavailable', /browser-only/);
  });
});

describe('768-wide generated wav2vec2 (the classifier input width)', () => {
  it('synthesizes from the committed skeleton and encodes 768-d frames', async () => {
    const dir = await synthesizeWav2Vec2('w768-small');
    const enc = await Wav2Vec2Encoder.load({ model: dir, expectHiddenSize: 768 });
    try {
      expect(enc.info.hiddenSize).toBe(768);
      const out = await enc.encode(new Float32Array(32000).map((_, i) => 0.2 * Math.sin(i * 0.03) + 0.05 * Math.sin(i * 0.7)));
      expect([out.frames, out.hidden]).toEqual([99, 768]);
      expect(out.data.every(Number.isFinite)).toBe(true);
      expect((await encoderIdentity(dir)).sha256).toBe(enc.info.sha256);
      // Same seed, same bytes: a second synthesis is a cache hit with the same identity.
      expect((await encoderIdentity(await synthesizeWav2Vec2('w768-small'))).sha256).toBe(enc.info.sha256);
    } finally {
      await enc.dispose();
    }
  });
});

describe('loadEncoderForModel (what the detector calls)', () => {
  it('loads the encoder a manifest names and refuses any other', async () => {
    const { loadEncoderForModel } = await import('../../src/ssl/for-model.ts');
    const id = await encoderIdentity(TINY);
    const enc = await loadEncoderForModel({ name: 'm', encoder: id }, { model: TINY });
    expect(enc.info.sha256).toBe(id.sha256);
    await enc.dispose();
    await rejectsWith(loadEncoderForModel({ name: 'm', encoder: { ...id, sha256: '0'.repeat(64) } }, { model: TINY }), 'encoder-mismatch', /not the one this model was trained on/);
    await rejectsWith(loadEncoderForModel({ name: 'm', encoder: { ...id, hiddenSize: 768 } }, { model: TINY }), 'hidden-size-mismatch', /32 wide but 768/);
    await rejectsWith(loadEncoderForModel({ name: 'm', encoder: null }, { model: TINY }), 'encoder-mismatch', /no wav2vec2 branch/);
  });
});

describe('a corrupt weights file', () => {
  it('fails to load with load-failed, naming the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msir-ssl-corrupt-'));
    try {
      const model = join(dir, 'w2v-corrupt');
      await cp(TINY, model, { recursive: true });
      const bytes = await readFile(join(model, 'onnx/model.onnx'));
      await writeFile(join(model, 'onnx/model.onnx'), bytes.subarray(0, bytes.length >> 1)); // truncated download
      await rejectsWith(Wav2Vec2Encoder.load({ model }), 'load-failed', /could not load .*w2v-corrupt on cpu\/fp32/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('dtype variants', () => {
  it('q8 loads onnx/model_quantized.onnx while the identity stays the fp32 file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msir-ssl-q8-'));
    try {
      const model = join(dir, 'w2v-q8');
      await cp(TINY, model, { recursive: true });
      // Stand-in variant: the CTC graph under the quantized name, so the test sees WHICH file ran.
      await cp(join(TINY_CTC, 'onnx/model.onnx'), join(model, 'onnx/model_quantized.onnx'));
      await rejectsWith(Wav2Vec2Encoder.load({ model, dtype: 'q8' }), 'ctc-export', /outputs "logits"/);
      await cp(join(TINY, 'onnx/model.onnx'), join(model, 'onnx/model_quantized.onnx'));
      const enc = await Wav2Vec2Encoder.load({ model, dtype: 'q8' });
      expect(enc.info.dtype).toBe('q8');
      expect(enc.info.sha256).toBe((await encoderIdentity(TINY)).sha256);
      await enc.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
