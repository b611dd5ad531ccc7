import { describe, expect, it } from 'vitest';
import { SampleRing } from '../../src/detector/worker/ring.ts';

describe('SampleRing', () => {
  it('returns exactly what was written, across wrap-arounds, and forgets the oldest', () => {
    const ring = new SampleRing(1000);
    const all: number[] = [];
    let v = 0;
    for (const n of [300, 450, 700, 1, 999, 2500]) {
      const x = Float32Array.from({ length: n }, () => v++);
      all.push(...x);
      ring.write(x);
      expect(ring.end).toBe(all.length);
      expect(ring.begin).toBe(Math.max(0, all.length - 1000));
      const from = Math.max(ring.begin, ring.end - 777);
      expect(Array.from(ring.read(from, ring.end))).toEqual(all.slice(from, ring.end));
    }
    // Reads outside the held range are clamped.
    expect(ring.read(0, 10).length).toBe(0);
    expect(ring.read(ring.end - 5, ring.end + 100).length).toBe(5);
  });
});
