// Additive noise at a requested signal-to-noise ratio: white, pink (1/f) and babble (other speakers'
// speech). Held-out recordings differ from the studio corpora mostly by what else the microphone picks
// up; training on noisy copies teaches the model to look past it.
//
// SNR definition used throughout (and by the tests): SNR = L_speech − L_noise in dB, where L_speech is the
// clip's ACTIVE SPEECH LEVEL (activeLevelDb: mean power of the 20 ms frames within 35 dB of the loudest,
// the P.56-style level the feature path normalises to) and L_noise is the mean power of the added noise
// over the WHOLE clip. Pauses in the speech therefore do not change the SNR a clip gets.
import { activeLevelDb } from '../../src/audio/normalise-level.ts';
import type { Rng } from '../train/rng.ts';
import { inverseReal, nextPow2, spectrum } from './spectrum.ts';

export type NoiseColour = 'white' | 'pink';

/** Mean power of `x` in dB (−Infinity for silence or an empty array). */
export function powerDb(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return x.length && s > 0 ? 10 * Math.log10(s / x.length) : Number.NEGATIVE_INFINITY;
}

/** `n` samples of unit-variance Gaussian white noise. */
export function whiteNoise(n: number, rng: Rng): Float32Array {
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.normal();
  return y;
}

/**
 * `n` samples of pink noise (power ∝ 1/f, −3 dB per octave): white Gaussian noise shaped in the frequency
 * domain by 1/√f (DC removed). Shaping the spectrum of the whole block gives the exact slope down to the
 * lowest bin, unlike the few-pole IIR approximations; the absolute scale is arbitrary (mixAtSnr sets it).
 */
export function pinkNoise(n: number, rng: Rng): Float32Array {
  if (n === 0) return new Float32Array(0);
  const size = nextPow2(n);
  const X = spectrum(whiteNoise(size, rng), size);
  X[0] = 0;
  X[1] = 0;
  for (let k = 1; k < size; k++) {
    const g = 1 / Math.sqrt(Math.min(k, size - k));
    X[2 * k] *= g;
    X[2 * k + 1] *= g;
  }
  return inverseReal(X, size, n);
}

/**
 * Babble: `sources` (other speakers' clips) each scaled to the same active level, started at a random
 * offset and looped to `n` samples, then summed, so no single talker dominates and the babble runs through
 * the whole clip. Silent sources are skipped; null when none is usable (the caller then adds nothing).
 */
export function babbleNoise(sources: Float32Array[], n: number, rng: Rng): Float32Array | null {
  const y = new Float32Array(n);
  let used = 0;
  for (const s of sources) {
    const level = activeLevelDb(s);
    if (level === null || s.length === 0) continue;
    const g = 10 ** (-level / 20);
    let j = rng.int(s.length);
    for (let i = 0; i < n; i++) {
      y[i] += g * s[j]!;
      if (++j === s.length) j = 0;
    }
    used++;
  }
  return used > 0 ? y : null;
}

/**
 * `x` + `noise` scaled so that (active speech level of x) − (mean power of the added noise) = `snrDb`
 * (see the definition at the top). A clip without speech (activeLevelDb null: even its loudest 20 ms frame
 * is below −70 dBFS, e.g. digital silence) has no level to set an SNR against: it is returned unchanged,
 * rather than inventing a noise level. Likewise for silent noise. Output length = x's length; `noise` must
 * be at least that long.
 */
export function mixAtSnr(x: Float32Array, noise: Float32Array, snrDb: number): Float32Array {
  if (!Number.isFinite(snrDb)) throw new RangeError(`SNR must be a finite number of dB, got ${snrDb}`);
  if (noise.length < x.length) throw new RangeError(`noise of ${noise.length} samples is shorter than the clip (${x.length})`);
  const speech = activeLevelDb(x);
  const n = noise.length === x.length ? noise : noise.subarray(0, x.length);
  const noiseDb = powerDb(n);
  if (speech === null || !Number.isFinite(noiseDb)) return x;
  const g = 10 ** ((speech - snrDb - noiseDb) / 20);
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i]! + g * n[i]!;
  return y;
}
