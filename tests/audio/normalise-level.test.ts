// normaliseLevel: real speech at any gain comes out at the target active level, so its features (and a
// level-normalised model's input) no longer depend on the microphone's gain; silence is left alone.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAudioFile } from '../../src/audio/node.ts';
import { activeLevelDb, MAX_GAIN_DB, normaliseLevel } from '../../src/audio/normalise-level.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const SPEECH = path.join(SHARED, 'corpora/ravdess/audio/Actor_19/03-01-05-01-01-01-19.flac'); // angry
const SILENCE = path.join(SHARED, 'reference/synthetic/wav/silence_0.5s.wav');
const gain = (x: Float32Array, db: number): Float32Array => x.map((v) => v * 10 ** (db / 20));

describe('activeLevelDb', () => {
  it('measures speech over its active frames: pauses do not pull it down, gains shift it exactly', async () => {
    const full = await readAudioFile(SPEECH);
    const x = full.subarray(0, full.length - (full.length % 320)); // whole 20 ms frames, so the copy below aligns
    const level = activeLevelDb(x)!;
    expect(level).toBeLessThan(-10);
    expect(level).toBeGreaterThan(-45);
    // Twice the clip with 2 s of digital silence between: same active level.
    const padded = new Float32Array(x.length * 2 + 32000);
    padded.set(x, 0);
    padded.set(x, x.length + 32000);
    expect(activeLevelDb(padded)!).toBeCloseTo(level, 6);
    expect(activeLevelDb(gain(x, -17))!).toBeCloseTo(level - 17, 4);
  });

  it('is null for silence and for audio below the silence floor', async () => {
    expect(activeLevelDb(await readAudioFile(SILENCE))).toBeNull();
    expect(activeLevelDb(new Float32Array(16000).fill(1e-5))).toBeNull(); // −100 dBFS
    expect(activeLevelDb(new Float32Array(0))).toBeNull();
  });
});

describe('normaliseLevel', () => {
  it('brings the clip at −30, −10 and +6 dB to the target level and to the same features', async () => {
    const x = await readAudioFile(SPEECH);
    const ref = normaliseLevel(x, -26);
    expect(activeLevelDb(ref.audio)!).toBeCloseTo(-26, 6);
    const ex = new FeatureExtractor();
    const fRef = ex.extract(ref.audio);
    for (const db of [-30, -10, 6]) {
      const n = normaliseLevel(gain(x, db), -26);
      expect(n.gainDb).toBeCloseTo(ref.gainDb - db, 4);
      expect(activeLevelDb(n.audio)!).toBeCloseTo(-26, 6);
      const f = ex.extract(n.audio);
      let worst = 0;
      for (let i = 0; i < f.logmel.length; i++) worst = Math.max(worst, Math.abs(f.logmel[i]! - fRef.logmel[i]!));
      expect(worst).toBeLessThan(1e-3);
    }
    // Without normalisation the same gains move the log-Mels by ~ln(10^(dB/10)).
    const raw = ex.extract(gain(x, -30));
    const rawRef = ex.extract(x);
    let shift = 0;
    for (let i = 0; i < raw.logmel.length; i += 2) shift += rawRef.logmel[i]! - raw.logmel[i]!; // static channel
    expect(shift / (raw.logmel.length / 2)).toBeGreaterThan(3); // ln(1000) = 6.9 where not at the log(eps) floor
  });

  it('leaves silence untouched, caps the gain, rejects a non-finite target, never mutates its input', async () => {
    const silence = await readAudioFile(SILENCE);
    const s = normaliseLevel(silence, -26);
    expect(s.gainDb).toBe(0);
    expect(s.audio).toBe(silence);
    const faint = new Float32Array(16000).map((_, i) => 3e-4 * Math.sin(i / 5)); // ≈ −73 dBFS: below the floor
    expect(normaliseLevel(faint, -26).gainDb).toBe(0);
    const quiet = new Float32Array(16000).map((_, i) => 6e-4 * Math.sin(i / 5)); // ≈ −67.5 dBFS
    expect(normaliseLevel(quiet, 0).gainDb).toBe(MAX_GAIN_DB);
    const x = await readAudioFile(SPEECH);
    const copy = x.slice();
    normaliseLevel(x, -26);
    expect(x).toEqual(copy);
    expect(() => normaliseLevel(x, Number.NaN)).toThrow(RangeError);
  });
});
