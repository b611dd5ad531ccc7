// The fuzz harness itself: it must see failures (a harness that cannot fail proves nothing), count
// them by kind, keep going after one, and treat documented errors as outcomes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AudioError } from '../../src/audio/errors.ts';
import { checkFeatureShapes } from '../../training/fuzz/targets/features.ts';
import { applyMutations, mutationArb } from '../../training/fuzz/mutate.ts';
import { signalArb, synthesize } from '../../training/fuzz/signals.ts';
import { expectedCode, failureKind, runTarget, type FuzzTarget } from '../../training/fuzz/target.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';

const target: FuzzTarget<number> = {
  name: 'toy',
  what: 'integers',
  arbitrary: fc.integer({ min: 0, max: 99 }),
  describe: (n) => String(n),
  async run(n) {
    if (n % 10 === 3) throw new TypeError(`cannot read properties of undefined (reading 'x${n}')`);
    if (n % 10 === 5) {
      try {
        throw new AudioError('truncated', `cut at ${n}`);
      } catch (err) {
        return expectedCode(err, ['AudioError']) ?? 'unexpected';
      }
    }
    return 'ok';
  },
};

describe('fuzz harness', () => {
  it('runs every case, counts failures by kind and documented errors by code', async () => {
    const r = await runTarget(target, { cases: 300, seed: 1 });
    expect(r.cases).toBe(300);
    expect(r.failures).toBeGreaterThan(0);
    expect(r.kinds).toHaveLength(1); // one bug, whatever the number in its message
    expect(r.kinds[0]!.kind).toMatch(/^TypeError/);
    expect(r.expected['AudioError:truncated']).toBeGreaterThan(0);
    expect(r.ok + r.failures + r.expected['AudioError:truncated']!).toBe(300);
  });

  it('is reproducible from its seed', async () => {
    const a = await runTarget(target, { cases: 100, seed: 7 });
    const b = await runTarget(target, { cases: 100, seed: 7 });
    expect({ ...a, maxMs: 0, meanMs: 0, maxCpuMs: 0 }).toEqual({ ...b, maxMs: 0, meanMs: 0, maxCpuMs: 0 });
  });

  it('blanks numbers in failure kinds', () => {
    expect(failureKind(new RangeError('offset 123 is out of bounds'))).toBe(failureKind(new RangeError('offset 9 is out of bounds')));
  });

  it('flags a slow case', async () => {
    const busy = async (): Promise<string> => {
      // 40 ms of CPU, not of wall clock: on a loaded machine 40 ms of wall can be under the 10 ms bound.
      const c0 = process.cpuUsage();
      for (;;) {
        const c = process.cpuUsage(c0);
        if (c.user + c.system >= 40_000) break;
      }
      return 'ok';
    };
    const slow: FuzzTarget<number> = { ...target, run: busy };
    const r = await runTarget(slow, { cases: 2, seed: 1, timeLimitMs: 10 });
    expect(r.kinds.map((k) => k.kind)).toEqual(['slow: over the time bound']);
    // Waiting is not work: a case that sleeps past the bound is the watchdog's business, not a failure.
    const sleepy: FuzzTarget<number> = { ...target, run: async () => (await new Promise((r) => setTimeout(r, 40)), 'ok') };
    expect((await runTarget(sleepy, { cases: 2, seed: 1, timeLimitMs: 10 })).failures).toBe(0);
  });

  it('mutations change files, and truncations shorten them', () => {
    const src = new Uint8Array(256).map((_, i) => i);
    const files = fc.sample(mutationArb(1, [4, 8]), { seed: 3, numRuns: 200 }).map((m) => applyMutations(src, m.mutations));
    expect(files.filter((f) => f.length === src.length && f.every((b, i) => b === src[i])).length).toBeLessThan(20);
    expect(files.some((f) => f.length < src.length)).toBe(true);
    expect(Array.from(applyMutations(src, [{ op: 'field', offset: 4, width: 4, value: 0xfffffffe, bigEndian: false }]).subarray(4, 8))).toEqual([0xfe, 0xff, 0xff, 0xff]);
  });

  it('never changes the seed, even a Node Buffer (whose slice() is a view)', () => {
    const seed = Buffer.from(new Uint8Array(64).map((_, i) => i));
    const copy = Uint8Array.from(seed);
    for (const m of fc.sample(mutationArb(1, [4]), { seed: 9, numRuns: 50 })) applyMutations(seed, m.mutations);
    expect(Array.from(seed)).toEqual(Array.from(copy));
  });

  it('signals cover the edges: empty, NaN, DC, full-scale square, rates 8–48 kHz', () => {
    const specs = fc.sample(signalArb({ maxSec: 2 }), { seed: 5, numRuns: 500 });
    expect(specs.some((s) => s.samples === 0)).toBe(true);
    expect(specs.some((s) => s.specials.some((p) => p.what === 'nan'))).toBe(true);
    expect(specs.some((s) => s.wave === 'dc' && s.samples > 0)).toBe(true);
    expect(specs.every((s) => s.rate >= 8000 && s.rate <= 48000)).toBe(true);
    const sq = specs.find((s) => s.wave === 'square' && s.amp > 0.9 && s.samples > 100)!;
    expect(Math.max(...synthesize(sq).map(Math.abs))).toBeCloseTo(sq.amp + Math.abs(sq.dc), 5);
  });

  it('the shape check rejects features of the wrong length', () => {
    const f = new FeatureExtractor().extract(new Float32Array(3200).map((_, i) => Math.sin(i / 5) * 0.3));
    expect(() => checkFeatureShapes(f, 3200)).not.toThrow();
    expect(() => checkFeatureShapes(f, 3360)).toThrow(/logmelFrames 19, expected 20/);
    const bad = { ...f, lld: f.lld.slice() };
    bad.lld[7] = Number.NaN;
    expect(() => checkFeatureShapes(bad, 3200)).toThrow(/NaN/);
  });
});
