// The one call a detector (or evaluator) needs: load the encoder a model's w2v branch was trained on, or fail
// with a message that says which encoder is wrong — never run a classifier on features of another encoder.
import type { ModelManifest } from '../model/manifest.ts';
import { Wav2Vec2Encoder, type Wav2Vec2LoadOptions } from './encoder.ts';
import { SslError } from './errors.ts';
import { checkEncoderMatches } from './identity.ts';

export async function loadEncoderForModel(
  manifest: Pick<ModelManifest, 'name' | 'encoder'>,
  opts: Omit<Wav2Vec2LoadOptions, 'expectHiddenSize'>,
): Promise<Wav2Vec2Encoder> {
  if (manifest.encoder === null) {
    throw new SslError('encoder-mismatch', `model "${manifest.name}" has no wav2vec2 branch (manifest.encoder is null); it needs no encoder`);
  }
  const encoder = await Wav2Vec2Encoder.load({ ...opts, expectHiddenSize: manifest.encoder.hiddenSize });
  try {
    checkEncoderMatches(manifest.encoder, encoder.info);
  } catch (err) {
    await encoder.dispose();
    throw err;
  }
  return encoder;
}
