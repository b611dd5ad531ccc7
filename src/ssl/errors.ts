// Typed failures of the wav2vec2 branch: callers (detector, feature cache, CLI) switch on `code`.
export type SslErrorCode =
  | 'model-missing' // folder, config.json or onnx file absent / unreadable
  | 'not-wav2vec2' // config.json is not a wav2vec2 model
  | 'ctc-export' // the ONNX graph outputs logits (ForCTC export), not last_hidden_state
  | 'hidden-size-mismatch' // output width differs from config.json or from what the caller expects
  | 'encoder-mismatch' // encoder identity differs from the one a model was trained on
  | 'device-unavailable' // requested device/dtype cannot run here
  | 'load-failed' // transformers.js / onnxruntime could not create the session (corrupt file, unsupported op, GPU error)
  | 'bad-input' // audio too short, not finite, wrong type
  | 'disposed'
  | 'download-failed' // msir models fetch: HTTP error
  | 'checksum-mismatch'; // msir models fetch: sha256 differs from the hub's

export class SslError extends Error {
  override readonly name = 'SslError';
  constructor(
    readonly code: SslErrorCode,
    message: string,
  ) {
    super(message);
  }
}
