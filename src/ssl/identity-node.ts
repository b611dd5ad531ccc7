// Node side of encoder identity: what training writes into manifest.encoder for a model folder.
import { basename, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { SslError } from './errors.ts';
import { sha256Hex, type EncoderIdentity } from './identity.ts';

/** { name, hiddenSize, sha256 of onnx/model.onnx } — equal to Wav2Vec2Encoder.info's fields for that folder. */
export async function encoderIdentity(dir: string): Promise<EncoderIdentity> {
  const abs = resolve(dir);
  const read = (file: string) =>
    readFile(resolve(abs, file)).catch(() => {
      throw new SslError('model-missing', `wav2vec2: cannot read ${file} in model folder "${abs}"`);
    });
  let config: { model_type?: unknown; hidden_size?: unknown };
  try {
    config = JSON.parse((await read('config.json')).toString('utf8')) as typeof config;
  } catch (err) {
    if (err instanceof SslError) throw err;
    throw new SslError('model-missing', `wav2vec2: ${abs}/config.json is not valid JSON`);
  }
  if (config.model_type !== 'wav2vec2') throw new SslError('not-wav2vec2', `wav2vec2: ${abs}/config.json has model_type "${String(config.model_type)}"`);
  if (typeof config.hidden_size !== 'number') throw new SslError('not-wav2vec2', `wav2vec2: ${abs}/config.json has no hidden_size`);
  let name = basename(abs);
  const source = await readFile(resolve(abs, 'msir-source.json'), 'utf8').catch(() => null);
  if (source) {
    const repo = (JSON.parse(source) as { repo?: unknown }).repo;
    if (typeof repo === 'string') name = repo;
  }
  return { name, hiddenSize: config.hidden_size, sha256: await sha256Hex(new Uint8Array(await read('onnx/model.onnx'))) };
}
