// Reused working buffers (src/features/scratch.ts): a call never sees what an earlier, longer or shorter,
// call left behind, and the pool hands out distinct memory per call site.
import { describe, expect, it } from 'vitest';
import { readAudioFile } from '../../src/audio/node.ts';
import { normaliseLevel } from '../../src/audio/normalise-level.ts';
import { zeroCrossingRates } from '../../src/features/lld/energy.ts';
import { extractLld } from '../../src/features/lld/index.ts';
import { scratchF32, scratchI32 } from '../../src/features/scratch.ts';
import { referenceClips } from './reference.ts';

describe('feature scratch buffers', () => {
  it('extraction is the same before and after longer and shorter clips went through the same buffers', async () => {
    const clips = referenceClips().slice(0, 3);
    const audio = await Promise.all(clips.map((c) => readAudioFile(c.wav)));
    const first = audio.map((x) => extractLld(x).data);
    // A long clip grows the buffers; a short one leaves stale values past its end.
    const long = new Float32Array(audio.reduce((n, x) => n + x.length, 0));
    let o = 0;
    for (const x of audio) long.set(x, (o += x.length) - x.length);
    extractLld(long);
    extractLld(audio[0]!.subarray(0, 4000));
    audio.forEach((x, i) => expect(extractLld(x).data).toEqual(first[i]));
  });

  it('zero-crossing counts do not inherit a previous signal', () => {
    const noisy = Float32Array.from({ length: 20000 }, (_, i) => (i % 2 ? 1 : -1));
    const flat = new Float32Array(3000).fill(0.5);
    zeroCrossingRates(noisy, 100, 960, 160);
    expect(Array.from(zeroCrossingRates(flat, 10, 960, 160))).toEqual(Array(10).fill(0));
  });

  it('gives each name its own memory, keeps the largest length, and never pools huge requests', () => {
    const a = scratchF32('test.a', 100);
    const b = scratchF32('test.b', 100);
    a.fill(1);
    b.fill(2);
    expect(a.every((v) => v === 1)).toBe(true);
    expect(scratchF32('test.a', 50).buffer).toBe(a.buffer);
    const grown = scratchF32('test.a', 1000);
    expect(grown.length).toBe(1000);
    expect(scratchF32('test.a', 10).buffer).toBe(grown.buffer);
    expect(scratchI32('test.a', 10).buffer).not.toBe(grown.buffer);
    const huge = scratchF32('test.huge', 31 * 16000);
    expect(scratchF32('test.huge', 31 * 16000).buffer).not.toBe(huge.buffer);
  });

  it('normaliseLevel writes into a given buffer and refuses one of another length', () => {
    const x = Float32Array.from({ length: 16000 }, (_, i) => 0.1 * Math.sin(i / 10));
    const out = new Float32Array(16000);
    const r = normaliseLevel(x, -26, 16000, out);
    expect(r.audio).toBe(out);
    expect(out).toEqual(normaliseLevel(x, -26).audio);
    expect(() => normaliseLevel(x, -26, 16000, new Float32Array(10))).toThrow(/length/);
  });
});
