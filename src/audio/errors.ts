// Typed errors for bad audio input: callers switch on `code`, users read `message`.

export type AudioErrorCode =
  | 'empty' // zero bytes or zero samples
  | 'truncated' // the container promises more data than it holds
  | 'unsupported-format' // not a format we can decode
  | 'decode-failed' // the decoder rejected the data
  | 'non-finite' // NaN or ±Inf samples
  | 'out-of-range' // samples far outside [−1, 1) (e.g. int16 values passed as floats)
  | 'too-short' // shorter than one 60 ms analysis frame
  | 'bad-sample-rate'; // zero, negative or absurd sample rate

export class AudioError extends Error {
  readonly code: AudioErrorCode;
  constructor(code: AudioErrorCode, message: string) {
    super(message);
    this.name = 'AudioError';
    this.code = code;
  }
}
