// Speech level normalisation before feature extraction. A microphone's gain, a recording chain or the
// distance to the speaker shift every log-Mel and energy feature; measured here, 20 dB quieter test clips
// took a raw-level model from mean UAR 84.6 to 70.2 (everything turned "sad"). Models trained with
// `features.levelDb` in their manifest see every clip (training, evaluation, live windows) scaled to that
// active speech level, so they cannot lean on absolute loudness; relative dynamics inside a clip remain.
import { SILENCE_DBFS } from './level.ts';

/** Target active speech level for new models (dBFS), ITU-T P.56's customary −26 dBov. */
export const DEFAULT_LEVEL_DB = -26;
/** Targets a manifest may name (dBFS). */
export const isLevelDb = (v: unknown): v is number => typeof v === 'number' && v >= -60 && v <= 0;
/** Frames quieter than the loudest by more than this are pauses, not speech (P.56 uses a similar margin). */
const ACTIVE_MARGIN_DB = 35;
/** Never scale by more than this either way: a near-silent clip stays near-silent instead of becoming noise at speech level. */
export const MAX_GAIN_DB = 40;
const FRAME_SEC = 0.02;

/**
 * Active speech level in dBFS: mean power of the 20 ms frames within 35 dB of the loudest frame. null when
 * even the loudest frame is below the silence floor (SILENCE_DBFS): nothing to measure.
 */
export function activeLevelDb(x: Float32Array, sampleRate = 16000): number | null {
  const len = Math.max(1, Math.round(sampleRate * FRAME_SEC));
  const frames = Math.floor(x.length / len) + (x.length % len ? 1 : 0);
  if (frames === 0) return null;
  const power = new Float64Array(frames);
  let max = 0;
  for (let f = 0; f < frames; f++) {
    const end = Math.min(x.length, (f + 1) * len);
    let s = 0;
    for (let i = f * len; i < end; i++) s += x[i]! * x[i]!;
    power[f] = s / (end - f * len);
    if (power[f]! > max) max = power[f]!;
  }
  // Silence: even the loudest frame is below the floor. Otherwise "active" is relative to the loudest
  // frame only, so that a gain shifts the measured level by exactly that gain.
  if (max < 10 ** (SILENCE_DBFS / 10)) return null;
  const floor = max * 10 ** (-ACTIVE_MARGIN_DB / 10);
  let sum = 0;
  let n = 0;
  for (const p of power) {
    if (p >= floor) {
      sum += p;
      n++;
    }
  }
  return n > 0 ? 10 * Math.log10(sum / n) : null;
}

export interface NormalisedAudio {
  audio: Float32Array;
  /** Gain applied, dB (0 for silence). */
  gainDb: number;
}

/** `x` scaled so its active speech level is `targetDb` dBFS (gain limited to ±MAX_GAIN_DB). Values may
 *  exceed ±1 after a gain: features are computed in floating point, so nothing clips. Input untouched. */
export function normaliseLevel(x: Float32Array, targetDb: number, sampleRate = 16000, out?: Float32Array): NormalisedAudio {
  if (!Number.isFinite(targetDb)) throw new RangeError(`target level must be a finite dBFS value, got ${targetDb}`);
  const level = activeLevelDb(x, sampleRate);
  if (level === null) return { audio: x, gainDb: 0 };
  const gainDb = Math.max(-MAX_GAIN_DB, Math.min(MAX_GAIN_DB, targetDb - level));
  const g = 10 ** (gainDb / 20);
  if (out && out.length !== x.length) throw new RangeError(`output length ${out.length} ≠ input length ${x.length}`);
  const audio = out ?? new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) audio[i] = x[i]! * g;
  return { audio, gainDb };
}

/** What a model with manifest `features.levelDb` extracts features from: `x` normalised to that level,
 *  or `x` itself for a model trained on raw levels (levelDb undefined). `out` (x.length values) receives
 *  the levelled samples instead of a new array. */
export function audioForModel(x: Float32Array, levelDb: number | undefined, out?: Float32Array): Float32Array {
  return levelDb === undefined ? x : normaliseLevel(x, levelDb, 16000, out).audio;
}
