// Pitch perturbation without a change of tempo: speakers differ in F0 range far more than in speaking
// rate, and speed perturbation (speed.ts) moves both together. Here the clip is first time-stretched by
// the pitch ratio r with WSOLA (which keeps the pitch), then played r times faster (resampled), which
// restores the duration and scales every frequency, formants included, by r.
import { resample } from '../../src/audio/resample.ts';

export const MAX_SEMITONES = 4;

/**
 * WSOLA time-stretch (Verhelst & Roelands 1993): output frames of 20 ms at a 10 ms hop, each read from
 * the input near its nominal position (hop / factor) at the offset (±5 ms) whose waveform best continues
 * the previous frame (cross-correlation), overlap-added under a Hann window. Pitch is unchanged; the
 * output has round(x.length · factor) samples.
 */
export function timeStretch(x: Float32Array, factor: number, rate = 16000): Float32Array {
  if (!(Number.isFinite(factor) && factor >= 0.25 && factor <= 4)) throw new RangeError(`stretch factor must be in [0.25, 4], got ${factor}`);
  const m = Math.round(x.length * factor);
  const N = 2 * Math.round(rate * 0.01); // frame 20 ms
  const hop = N / 2;
  const tol = Math.round(rate * 0.005);
  // Input with zeros around it, so every candidate window is in range.
  const pad = N + tol;
  const xp = new Float32Array(x.length + 2 * pad + N);
  xp.set(x, pad);
  const w = Float32Array.from({ length: N }, (_, j) => 0.5 - 0.5 * Math.cos((2 * Math.PI * j) / N));
  const y = new Float64Array(m + N);
  const wsum = new Float64Array(m + N);
  let prev = pad; // padded-input start of the previous frame
  for (let k = 0; k * hop < m; k++) {
    const nominal = pad + Math.round((k * hop) / factor);
    let start = nominal;
    if (k > 0) {
      // The previous frame's natural continuation starts at prev + hop: find the candidate most like it.
      const ref = prev + hop;
      let best = Number.NEGATIVE_INFINITY;
      for (let d = -tol; d <= tol; d++) {
        const c = nominal + d;
        let s = 0;
        for (let j = 0; j < N; j += 2) s += xp[c + j]! * xp[ref + j]!;
        if (s > best) {
          best = s;
          start = c;
        }
      }
    }
    const o = k * hop;
    for (let j = 0; j < N && o + j < y.length; j++) {
      y[o + j] += w[j]! * xp[start + j]!;
      wsum[o + j] += w[j]!;
    }
    prev = start;
  }
  const out = new Float32Array(m);
  for (let i = 0; i < m; i++) out[i] = wsum[i]! > 1e-3 ? y[i]! / wsum[i]! : 0;
  return out;
}

/** `x` (at `rate` Hz) with every frequency scaled by 2^(semitones/12) and its length unchanged. */
export async function pitchShift(x: Float32Array, semitones: number, rate = 16000): Promise<Float32Array> {
  if (!(Number.isFinite(semitones) && Math.abs(semitones) <= MAX_SEMITONES)) throw new RangeError(`pitch shift must be within ±${MAX_SEMITONES} semitones, got ${semitones}`);
  if (semitones === 0 || x.length === 0) return x;
  // The ratio actually applied: rate·r must be a whole number of Hz for the resampler.
  const fast = Math.round(rate * 2 ** (semitones / 12));
  const stretched = timeStretch(x, fast / rate, rate);
  const y = await resample(stretched, fast, rate, 'medium');
  const out = new Float32Array(x.length);
  out.set(y.subarray(0, x.length));
  return out;
}
