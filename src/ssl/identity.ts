// Which encoder produced a model's w2v features: name (folder / hub repo), hidden size and the sha256 of the
// canonical fp32 ONNX file. A classifier trained on one encoder is meaningless on another.
import { SslError } from './errors.ts';

export interface EncoderIdentity {
  name: string;
  hiddenSize: number;
  sha256: string;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Throws SslError('encoder-mismatch') unless `actual` is the encoder `expected` (a manifest's `encoder`)
 * was trained on. The sha256 decides; name and hidden size make the message readable.
 */
export function checkEncoderMatches(expected: EncoderIdentity | null, actual: EncoderIdentity): void {
  if (expected === null) {
    throw new SslError('encoder-mismatch', 'this model has no wav2vec2 branch (manifest.encoder is null); do not feed it w2v features');
  }
  const problems: string[] = [];
  if (expected.hiddenSize !== actual.hiddenSize) problems.push(`hidden size ${actual.hiddenSize}, expected ${expected.hiddenSize}`);
  if (expected.sha256.toLowerCase() !== actual.sha256.toLowerCase()) {
    problems.push(`onnx sha256 ${actual.sha256.slice(0, 12)}…, expected ${expected.sha256.slice(0, 12)}…`);
  }
  if (problems.length > 0) {
    throw new SslError(
      'encoder-mismatch',
      `wav2vec2 encoder "${actual.name}" is not the one this model was trained on ("${expected.name}"): ${problems.join('; ')}. ` +
        'Load the matching encoder folder, or use a model without the w2v branch.',
    );
  }
}
