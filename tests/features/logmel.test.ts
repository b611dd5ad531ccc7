// log-Mel + Δ against python_speech_features 0.6 on every reference clip, read through our own decoder.
import { describe, expect, it } from 'vitest';
import { readAudioFile } from '../../src/audio/node.ts';
import { LogMel, logMelFrameCount, psfFilterbank } from '../../src/features/logmel.ts';
import { readPsfCsv, referenceClips } from './reference.ts';

const LOG_EPS = Math.log(2.220446049250313e-16); // −36.04…

describe('log-Mel + Δ vs python_speech_features logfbank_float', () => {
  const clips = referenceClips();
  const lm = new LogMel();

  it('finds the reference clips', () => {
    expect(clips.filter((c) => c.kind === 'real').length).toBeGreaterThanOrEqual(10);
    expect(clips.filter((c) => c.kind === 'synthetic').length).toBeGreaterThanOrEqual(8);
  });

  for (const clip of clips) {
    it(`${clip.kind}/${clip.name}: every frame and band within 1e-3, static and Δ`, async () => {
      const x = await readAudioFile(clip.wav);
      const { data, frames } = lm.compute(x);
      const ref = readPsfCsv(clip.logfbank);
      expect(frames).toBe(ref.rows.length);
      let maxStatic = 0;
      let maxDelta = 0;
      for (let t = 0; t < frames; t++) {
        expect(ref.times[t]).toBeCloseTo(t * 0.01, 6);
        const row = ref.rows[t]!;
        for (let b = 0; b < 40; b++) {
          maxStatic = Math.max(maxStatic, Math.abs(data[(t * 40 + b) * 2]! - row[b]!));
          maxDelta = Math.max(maxDelta, Math.abs(data[(t * 40 + b) * 2 + 1]! - row[40 + b]!));
        }
      }
      expect(maxStatic).toBeLessThanOrEqual(1e-3);
      expect(maxDelta).toBeLessThanOrEqual(1e-3);
    });
  }

  it('reproduces psf log(eps) on digital silence', async () => {
    const silence = clips.find((c) => c.name.startsWith('silence'));
    expect(silence).toBeDefined();
    const { data, frames } = lm.compute(await readAudioFile(silence!.wav));
    for (let i = 0; i < frames * 40; i++) {
      expect(data[2 * i]).toBeCloseTo(LOG_EPS, 5);
      expect(data[2 * i + 1]).toBe(0);
    }
  });
});

describe('log-Mel internals', () => {
  it('frame count follows psf: 1 + ceil((N − 400)/160), at least 1', () => {
    expect(logMelFrameCount(100)).toBe(1);
    expect(logMelFrameCount(400)).toBe(1);
    expect(logMelFrameCount(401)).toBe(2);
    expect(logMelFrameCount(560)).toBe(2);
    expect(logMelFrameCount(561)).toBe(3);
  });

  it('filterbank: 40 triangles, peak 1, inside 257 bins, contiguous', () => {
    const fb = psfFilterbank(40, 512, 16000);
    expect(fb).toHaveLength(40);
    for (const f of fb) {
      expect(Math.max(...f.weights)).toBe(1);
      expect(f.start + f.weights.length).toBeLessThanOrEqual(257);
    }
    expect(fb[0]!.start).toBe(0);
  });

  it('is deterministic across calls and signal lengths (scratch reuse leaks nothing)', () => {
    const lm = new LogMel();
    const a = new Float32Array(16000).map((_, i) => Math.sin(i * 0.05) * 0.3);
    const first = lm.compute(a).data;
    lm.compute(new Float32Array(48000).fill(0.2)); // grow the scratch with other content
    const again = lm.compute(a).data;
    expect(Array.from(again)).toEqual(Array.from(first));
  });
});
