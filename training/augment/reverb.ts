// Reverberation with generated room impulse responses. The corpora are close-talk studio recordings;
// a laptop or phone a metre away hears the room as well, which smears the log-Mel frames in time and
// flattens the LLD contours. A statistical RIR (exponentially decaying Gaussian noise, Polack's model)
// has the right energy decay for a given RT60 without simulating a geometry.
import { activeLevelDb } from '../../src/audio/normalise-level.ts';
import type { Rng } from '../train/rng.ts';
import { fftConvolve } from './spectrum.ts';

export const MIN_RT60 = 0.2;
export const MAX_RT60 = 0.9;

export interface RoomOptions {
  /** Reverberation time (s): the time for the energy to decay by 60 dB. */
  rt60: number;
  /**
   * Direct-to-reverberant ratio (dB): adds a direct-path impulse at t = 0 and a few early reflections
   * (2–40 ms) standing out from the diffuse tail, as a source at some distance in a room gives. Absent:
   * the diffuse tail alone.
   */
  drrDb?: number;
  rate?: number;
}

// Energy falls 60 dB in rt60 seconds, so the amplitude envelope is exp(−ln(10³)·t/rt60).
const LN_1000 = Math.log(1000);

/**
 * A room impulse response of 1.2·rt60 seconds (the tail reaches −72 dB, below what any fit or the clip
 * can resolve): Gaussian noise under an exponential envelope, plus the direct path and early reflections
 * when `drrDb` is given. Unnormalised (reverberate() restores the clip's level).
 */
export function roomImpulseResponse(o: RoomOptions, rng: Rng): Float32Array {
  const rate = o.rate ?? 16000;
  if (!(Number.isFinite(o.rt60) && o.rt60 > 0 && o.rt60 <= 5)) throw new RangeError(`RT60 must be in (0, 5] s, got ${o.rt60}`);
  const n = Math.max(2, Math.ceil(1.2 * o.rt60 * rate));
  const decay = LN_1000 / (o.rt60 * rate);
  const h = new Float32Array(n);
  for (let i = 1; i < n; i++) h[i] = rng.normal() * Math.exp(-decay * i);
  if (o.drrDb === undefined) {
    h[0] = rng.normal();
    return h;
  }
  // Early reflections: sparse taps 2–4 times the diffuse field's local amplitude.
  for (let r = 0; r < 8; r++) {
    const i = Math.round((0.002 + 0.038 * rng.next()) * rate);
    if (i < n) h[i] += (rng.next() < 0.5 ? -1 : 1) * (2 + 2 * rng.next()) * Math.exp(-decay * i);
  }
  let reverberant = 0;
  for (let i = 1; i < n; i++) reverberant += h[i]! * h[i]!;
  h[0] = Math.sqrt(reverberant * 10 ** (o.drrDb / 10));
  return h;
}

/**
 * `x` convolved with `rir`, cut to x's length (the tail past the clip's end is dropped, as a fixed-length
 * recording would) and scaled back to x's active speech level (RMS when x has no active speech), so the
 * room changes the clip's character and not its loudness.
 */
export function reverberate(x: Float32Array, rir: Float32Array): Float32Array {
  const y = fftConvolve(x, rir, x.length);
  const before = activeLevelDb(x);
  const after = activeLevelDb(y);
  let g: number;
  if (before !== null && after !== null) g = 10 ** ((before - after) / 20);
  else {
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < x.length; i++) {
      sx += x[i]! * x[i]!;
      sy += y[i]! * y[i]!;
    }
    g = sy > 0 ? Math.sqrt(sx / sy) : 0;
  }
  for (let i = 0; i < y.length; i++) y[i] *= g;
  return y;
}
