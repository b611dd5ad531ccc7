// Gain: a quieter or louder microphone. With --level-db (the default) the feature path scales every clip
// to the same active speech level, which undoes a gain (within its ±40 dB limit); gain augmentation
// therefore only changes what models trained with --level-db=off see.

export const MAX_GAIN_DB = 20;

/** `x` scaled by `db` decibels (each sample times 10^(db/20), rounded to float32 once). */
export function applyGain(x: Float32Array, db: number): Float32Array {
  if (!Number.isFinite(db)) throw new RangeError(`gain must be a finite number of dB, got ${db}`);
  const g = 10 ** (db / 20);
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i]! * g;
  return y;
}
