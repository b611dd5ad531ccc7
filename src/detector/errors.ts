// Typed detector errors: callers switch on `code`, users read `message`. They cross the worker
// boundary as plain { code, message } objects and are rebuilt on the other side.

export type DetectorErrorCode =
  | 'model-not-found' // manifest.json or weights answered 404 / network error
  | 'invalid-manifest' // manifest.json exists but fails validation
  | 'model-load-failed' // weights present but tfjs could not build the model
  | 'wav2vec2-unavailable' // a three-branch model was asked for but the encoder could not be loaded
  | 'bad-input' // empty, non-finite or absurd audio / sample rate
  | 'permission-denied' // the user (or policy) refused the microphone
  | 'no-input-device' // no microphone attached
  | 'device-lost' // the microphone went away mid-session
  | 'audio-context-suspended' // autoplay policy: needs a user gesture to start audio
  | 'unsupported' // AudioWorklet / Worker missing in this browser
  | 'worker-failed' // the worker crashed or could not start
  | 'disposed'; // the detector was disposed

export class DetectorError extends Error {
  readonly code: DetectorErrorCode;
  constructor(code: DetectorErrorCode, message: string) {
    super(message);
    this.name = 'DetectorError';
    this.code = code;
  }
}

export interface SerializedError {
  code: DetectorErrorCode;
  message: string;
}

export function serializeError(err: unknown, fallback: DetectorErrorCode): SerializedError {
  if (err instanceof DetectorError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  // AudioError from the decoder means the caller handed us bad audio.
  if (err instanceof Error && err.name === 'AudioError') return { code: 'bad-input', message };
  return { code: fallback, message };
}

export function deserializeError(e: SerializedError): DetectorError {
  return new DetectorError(e.code, e.message);
}

/** Maps getUserMedia's DOMException names to our codes with a message a user can act on. */
export function fromGetUserMediaError(err: unknown): DetectorError {
  const name = err instanceof Error ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new DetectorError(
        'permission-denied',
        'Microphone access was denied. Allow the microphone for this page (the icon in the address bar) and press Start again.',
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new DetectorError('no-input-device', 'No microphone was found. Plug one in and press Start again.');
    case 'NotReadableError':
    case 'AbortError':
      return new DetectorError(
        'no-input-device',
        'The microphone is in use by another application or could not be opened. Close the other application and press Start again.',
      );
    default:
      return new DetectorError('unsupported', `Could not open the microphone: ${err instanceof Error ? err.message : String(err)}`);
  }
}
