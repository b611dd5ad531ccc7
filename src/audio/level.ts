// Signal-level check before detection: digital or near silence has no emotion to detect, and heavy
// clipping makes any result doubtful. Both are reported to the user instead of passing unnoticed.

export interface SignalLevel {
  /** Peak |sample| in dBFS (−Infinity for digital silence). */
  peakDbfs: number;
  /** RMS of the loudest 100 ms window in dBFS: speech anywhere in the clip lifts it. */
  loudestDbfs: number;
  /** Fraction of samples at or beyond ±0.999 (full scale). */
  clippedFraction: number;
  /** Nothing louder than SILENCE_DBFS anywhere: no speech to analyse. */
  silent: boolean;
  /** More than CLIPPED_FRACTION of the samples at full scale. */
  clipped: boolean;
}

/** −70 dBFS RMS over the loudest 100 ms: 15 dB below the quietest of the 1975 RAVDESS + EmoDB clips
 *  (−55.5 dBFS), still above digital silence and dither. */
export const SILENCE_DBFS = -70;
/** 0.1 % of samples at full scale; the corpora's worst clip has 0.011 %. */
export const CLIPPED_FRACTION = 0.001;
const FULL_SCALE = 0.999;

const db = (v: number): number => (v > 0 ? 20 * Math.log10(v) : Number.NEGATIVE_INFINITY);

/** `x`: mono samples in [−1, 1); `sampleRate` sets the 100 ms window. */
export function measureLevel(x: Float32Array, sampleRate = 16000): SignalLevel {
  const n = x.length;
  const win = Math.max(1, Math.min(n, Math.round(sampleRate / 10)));
  let peak = 0;
  let clippedCount = 0;
  let sum = 0; // running sum of squares over the current window (float64)
  let best = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const a = Math.abs(v);
    if (a > peak) peak = a;
    if (a >= FULL_SCALE) clippedCount++;
    sum += v * v;
    if (i >= win) sum -= x[i - win]! * x[i - win]!;
    if (i >= win - 1 && sum > best) best = sum;
  }
  const loudestDbfs = db(Math.sqrt(Math.max(best, 0) / win));
  const clippedFraction = n > 0 ? clippedCount / n : 0;
  return {
    peakDbfs: db(peak),
    loudestDbfs,
    clippedFraction,
    silent: !(loudestDbfs >= SILENCE_DBFS),
    clipped: clippedFraction > CLIPPED_FRACTION,
  };
}

/** A one-line explanation for the user, or null when the level is fine. */
export function describeLevel(level: SignalLevel): string | null {
  if (level.silent) {
    const loud = Number.isFinite(level.loudestDbfs) ? `${level.loudestDbfs.toFixed(0)} dBFS` : 'digital silence';
    return `No speech: the clip is silent (loudest 100 ms at ${loud}, below ${SILENCE_DBFS} dBFS), so there is no emotion to detect.`;
  }
  if (level.clipped) {
    return `The clip is clipped (${(level.clippedFraction * 100).toFixed(1)} % of samples at full scale): results may be unreliable.`;
  }
  return null;
}
