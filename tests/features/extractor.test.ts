// FeatureExtractor: the Features seam's shapes on real audio, agreement with its parts, input validation.
import { describe, expect, it } from 'vitest';
import { AudioError, type AudioErrorCode } from '../../src/audio/errors.ts';
import { readAudioFile } from '../../src/audio/node.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import { extractLld } from '../../src/features/lld/index.ts';
import { LogMel } from '../../src/features/logmel.ts';
import { LLD_DIMS } from '../../src/features/types.ts';
import { referenceClips } from './reference.ts';

function expectCode(fn: () => unknown, code: AudioErrorCode): void {
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AudioError);
  expect((err as AudioError).code).toBe(code);
}

describe('FeatureExtractor', () => {
  const clip = referenceClips().find((c) => c.name === '03a01Wa')!;

  it('returns log-Mel [L1×40×2] and LLD [L2×195] for a real clip, all finite', async () => {
    const x = await readAudioFile(clip.wav);
    const f = new FeatureExtractor().extract(x);
    expect(f.durationSec).toBeCloseTo(x.length / 16000, 9);
    expect(f.logmelFrames).toBe(1 + Math.ceil((x.length - 400) / 160));
    expect(f.logmel.length).toBe(f.logmelFrames * 80);
    expect(f.lldFrames).toBe(Math.floor((x.length - 960) / 160) + 2); // openSMILE: N60 + 1
    expect(f.lld.length).toBe(f.lldFrames * LLD_DIMS);
    for (const v of f.logmel) expect(Number.isFinite(v)).toBe(true);
    for (const v of f.lld) expect(Number.isFinite(v)).toBe(true);
    // Same numbers as its parts.
    expect(Array.from(f.logmel)).toEqual(Array.from(new LogMel().compute(x).data));
    expect(Array.from(f.lld)).toEqual(Array.from(extractLld(x).data));
  });

  it('can skip either branch', async () => {
    const x = await readAudioFile(clip.wav);
    const onlyMel = new FeatureExtractor({ lld: false }).extract(x);
    expect(onlyMel.lld.length).toBe(0);
    expect(onlyMel.lldFrames).toBe(0);
    expect(onlyMel.logmelFrames).toBeGreaterThan(0);
    const onlyLld = new FeatureExtractor({ logmel: false }).extract(x);
    expect(onlyLld.logmel.length).toBe(0);
    expect(onlyLld.lldFrames).toBeGreaterThan(0);
  });

  it('handles exactly one 60 ms frame and digital silence without NaN', () => {
    const f = new FeatureExtractor().extract(new Float32Array(960));
    expect(f.lldFrames).toBe(2);
    expect(f.logmelFrames).toBe(5);
    for (const v of f.logmel) expect(Number.isFinite(v)).toBe(true);
    for (const v of f.lld) expect(Number.isFinite(v)).toBe(true);
  });

  it('rejects bad input with typed errors', () => {
    const e = new FeatureExtractor();
    expectCode(() => e.extract(new Float32Array(0)), 'empty');
    expectCode(() => e.extract(new Float32Array(959)), 'too-short');
    const nan = new Float32Array(2000);
    nan[1999] = Number.NaN;
    expectCode(() => e.extract(nan), 'non-finite');
    const inf = new Float32Array(2000);
    inf[0] = Number.NEGATIVE_INFINITY;
    expectCode(() => e.extract(inf), 'non-finite');
    expectCode(() => e.extract(new Float64Array(2000) as unknown as Float32Array), 'unsupported-format');
    expectCode(() => e.extract(new Float32Array(2000).fill(32767)), 'out-of-range');
  });

  it('gives finite features on awkward but valid signals', () => {
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
    const cases: Record<string, Float32Array> = {
      'noise at 1e-9': Float32Array.from({ length: 8000 }, () => rnd() * 1e-9),
      'full-scale noise': Float32Array.from({ length: 8000 }, () => rnd() * 2),
      'noise at the 64 limit': Float32Array.from({ length: 8000 }, () => rnd() * 128),
      DC: new Float32Array(8000).fill(0.5),
      'clipped square': Float32Array.from({ length: 8000 }, (_, i) => (Math.floor(i / 40) % 2 ? 0.999 : -1)),
      impulse: Float32Array.from({ length: 8000 }, (_, i) => (i === 4000 ? 1 : 0)),
      '961 samples': Float32Array.from({ length: 961 }, () => rnd()),
    };
    const e = new FeatureExtractor();
    for (const [name, x] of Object.entries(cases)) {
      const f = e.extract(x); // throws on any non-finite output
      expect(f.logmel.length, name).toBe(f.logmelFrames * 80);
      expect(f.lld.length, name).toBe(f.lldFrames * LLD_DIMS);
    }
  });
});
