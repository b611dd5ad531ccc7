// Microphone/capture failures, each with a message that says what the user can do about it.

export type CaptureErrorCode = 'permission-denied' | 'no-input-device' | 'device-lost' | 'audio-context-suspended' | 'unsupported';

export class CaptureError extends Error {
  readonly code: CaptureErrorCode;
  constructor(code: CaptureErrorCode, message: string) {
    super(message);
    this.name = 'CaptureError';
    this.code = code;
  }
}

/** Maps getUserMedia's DOMException names to our codes. */
export function fromGetUserMediaError(err: unknown): CaptureError {
  const name = err instanceof Error ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return new CaptureError(
        'permission-denied',
        'Microphone access was denied. Allow the microphone for this page (the icon in the address bar), then press Start again.',
      );
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return new CaptureError('no-input-device', 'No microphone was found. Plug one in, then press Start again.');
    case 'NotReadableError':
    case 'AbortError':
      return new CaptureError(
        'no-input-device',
        'The microphone could not be opened (in use by another application or unplugged). Free it, then press Start again.',
      );
    default:
      return new CaptureError('unsupported', `Could not open the microphone: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** getUserMedia for one mono voice channel, with typed errors. */
export async function openMicrophone(deviceId?: string): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CaptureError('unsupported', 'This browser cannot capture audio here (getUserMedia needs https or localhost).');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: {
        channelCount: 1,
        // The models were trained on unprocessed recordings: keep the browser's voice processing off.
        echoCancellation: false,
        noiseSuppression: false,
        autoGainControl: false,
        ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
      },
    });
  } catch (err) {
    throw fromGetUserMediaError(err);
  }
}
