// measureLevel: silence and clipping are told apart from real speech, quiet or loud.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeLevel, measureLevel, SILENCE_DBFS } from '../../src/audio/level.ts';
import { readAudioFile } from '../../src/audio/node.ts';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const SPEECH = path.join(SHARED, 'corpora/ravdess/audio/Actor_19/03-01-01-01-01-01-19.flac'); // neutral, normal intensity
const SILENCE = path.join(SHARED, 'reference/synthetic/wav/silence_0.5s.wav');

function scaled(x: Float32Array, gain: number): Float32Array {
  return x.map((v) => Math.max(-1, Math.min(0.99997, v * gain)));
}

describe('measureLevel', () => {
  it('finds real speech, even 20 dB quieter, neither silent nor clipped', async () => {
    const x = await readAudioFile(SPEECH);
    const level = measureLevel(x);
    expect(level.silent).toBe(false);
    expect(level.clipped).toBe(false);
    expect(level.loudestDbfs).toBeGreaterThan(-40);
    expect(describeLevel(level)).toBeNull();
    const quiet = measureLevel(scaled(x, 10 ** (-20 / 20)));
    expect(quiet.loudestDbfs).toBeCloseTo(level.loudestDbfs - 20, 1);
    expect(quiet.silent).toBe(false);
  });

  it('calls digital silence and a −75 dBFS hiss silent, with a message', async () => {
    const silence = measureLevel(await readAudioFile(SILENCE));
    expect(silence.silent).toBe(true);
    expect(silence.peakDbfs).toBe(Number.NEGATIVE_INFINITY);
    expect(describeLevel(silence)).toMatch(/silent/);
    let seed = 7;
    const hiss = new Float32Array(16000).map(() => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31 - 0.5) * 2 * 10 ** (-75 / 20) * Math.sqrt(3); // uniform noise, RMS −75 dBFS
    });
    const h = measureLevel(hiss);
    expect(h.loudestDbfs).toBeLessThan(SILENCE_DBFS);
    expect(h.silent).toBe(true);
  });

  it('flags speech driven into clipping, with a message', async () => {
    const x = await readAudioFile(SPEECH);
    const level = measureLevel(scaled(x, 100)); // +40 dB: peaks near −30 dBFS go far past full scale
    expect(level.clipped).toBe(true);
    expect(level.silent).toBe(false);
    expect(level.clippedFraction).toBeGreaterThan(0.001);
    expect(describeLevel(level)).toMatch(/clipped/);
  });
});
