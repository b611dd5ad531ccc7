// Speed perturbation (Ko et al., Interspeech 2015; Kaldi's speed 0.9/1.0/1.1): play the clip s times
// faster, so tempo, pitch and formants all scale by s. It imitates other speakers' vocal tracts and
// speaking rates, which is where held-out speakers differ from the training ones.
import { resample } from '../../src/audio/resample.ts';

export const MIN_SPEED = 0.5;
export const MAX_SPEED = 2;

/** True when `s` is a usable speed factor: within [0.5, 2] and a whole number of Hz at 16 kHz. */
export function isSpeed(s: number, rate = 16000): boolean {
  return Number.isFinite(s) && s >= MIN_SPEED && s <= MAX_SPEED && Number.isInteger(Math.round(rate * s * 1e6) / 1e6);
}

/**
 * `x` (at `rate` Hz) played `speed` times faster, still at `rate` Hz: the samples are read as if taken
 * at rate·speed and resampled (band-limited, libsamplerate) back to rate. Duration becomes 1/speed.
 */
export async function speedPerturb(x: Float32Array, speed: number, rate = 16000): Promise<Float32Array> {
  if (!isSpeed(speed, rate)) throw new RangeError(`speed factor ${speed} is not usable at ${rate} Hz (need ${MIN_SPEED}–${MAX_SPEED}, rate·speed a whole number)`);
  if (speed === 1) return x;
  return resample(x, Math.round(rate * speed), rate, 'medium');
}
