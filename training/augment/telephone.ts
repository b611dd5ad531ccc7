// Band-limited (telephone) speech: a phone call keeps roughly 300–3400 Hz (ITU-T G.712) and passes an
// 8 kHz, 8-bit μ-law codec (G.711). Many emotion cues (breathiness, high harmonics, low F0 energy) live
// outside that band, so a model that meets phone or cheap-headset audio should not depend on them alone.
import { resample } from '../../src/audio/resample.ts';
import { zeroPhaseFilter } from './spectrum.ts';

export const TELEPHONE_LOW_HZ = 300;
export const TELEPHONE_HIGH_HZ = 3400;
/** Width of the raised-cosine transitions, inside the band (Hz): full gain from 400 to 3200 Hz. */
const LOW_RAMP_HZ = 100;
const HIGH_RAMP_HZ = 200;

/**
 * Gain of the telephone band-pass at `hz`: 0 at and outside 300 and 3400 Hz, 1 over 400–3200 Hz,
 * raised-cosine between. The ramps sit inside the band so that nothing outside 300–3400 Hz survives
 * (apart from leakage of the finite transform), and are wide enough to keep the impulse response short.
 */
export function telephoneGain(hz: number): number {
  const ramp = (t: number): number => 0.5 - 0.5 * Math.cos(Math.PI * Math.min(1, Math.max(0, t)));
  if (hz <= TELEPHONE_LOW_HZ || hz >= TELEPHONE_HIGH_HZ) return 0;
  return ramp((hz - TELEPHONE_LOW_HZ) / LOW_RAMP_HZ) * ramp((TELEPHONE_HIGH_HZ - hz) / HIGH_RAMP_HZ);
}

const MU = 255;
/** G.711-style μ-law companding (μ = 255) quantised to 8 bits and expanded again (continuous μ-law
 *  rather than G.711's segmented table: same character, quantisation noise that follows the level). */
export function muLawRoundTrip(x: Float32Array): Float32Array {
  const y = new Float32Array(x.length);
  const k = Math.log1p(MU);
  for (let i = 0; i < x.length; i++) {
    const v = Math.max(-1, Math.min(1, x[i]!));
    const c = Math.round(((Math.sign(v) * Math.log1p(MU * Math.abs(v))) / k) * 127) / 127;
    y[i] = (Math.sign(c) * Math.expm1(Math.abs(c) * k)) / MU;
  }
  return y;
}

export interface TelephoneOptions {
  /** Pass the 8 kHz signal through 8-bit μ-law (default true). */
  muLaw?: boolean;
}

/**
 * `x` (16 kHz) as heard through a phone line: down to 8 kHz (libsamplerate, band-limited), μ-law, back up
 * to 16 kHz, then the 300–3400 Hz band-pass last so that the codec's quantisation noise is band-limited
 * too, as the receiving side's filter does. Output length = x's length (resampling can be off by a sample).
 */
export async function telephone(x: Float32Array, o: TelephoneOptions = {}): Promise<Float32Array> {
  if (x.length === 0) return new Float32Array(0);
  let narrow = await resample(x, 16000, 8000, 'medium');
  if (o.muLaw ?? true) narrow = muLawRoundTrip(narrow);
  const wide = await resample(narrow, 8000, 16000, 'medium');
  const same = new Float32Array(x.length);
  same.set(wide.subarray(0, x.length));
  return zeroPhaseFilter(same, telephoneGain, 16000);
}
