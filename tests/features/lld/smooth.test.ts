// smoothSma3: openSMILE's 3-frame moving average with replicated edges, the flush row, and noZeroSma.
import { describe, expect, it } from 'vitest';
import { smoothSma3 } from '../../../src/features/lld/smooth.ts';

describe('smoothSma3', () => {
  it('averages three frames, replicates the edges and appends a flush row equal to the last frame', () => {
    const x = Float32Array.of(3, 6, 9, 30);
    const y = smoothSma3(x, 4, 1);
    expect(Array.from(y)).toEqual([4, 6, 15, 23, 30].map((v) => Math.fround(v)));
  });

  it('handles several columns independently', () => {
    const x = Float32Array.of(1, 10, 2, 20, 3, 30);
    const y = smoothSma3(x, 3, 2);
    expect(y.length).toBe(8);
    expect(Array.from(y.subarray(0, 2))).toEqual([Math.fround(4 / 3), Math.fround(40 / 3)]);
    expect(Array.from(y.subarray(6, 8))).toEqual([3, 30]);
  });

  it('noZero: zeros stay zero and non-zero frames average only their non-zero neighbours', () => {
    const x = Float32Array.of(0, 200, 0, 100, 110, 0);
    const y = smoothSma3(x, 6, 1, { noZero: true });
    expect(Array.from(y)).toEqual([0, 200, 0, 105, 105, 0, 0]);
  });

  it('a single frame gives that frame twice; no frames give one zero row', () => {
    expect(Array.from(smoothSma3(Float32Array.of(7), 1, 1))).toEqual([7, 7]);
    expect(Array.from(smoothSma3(new Float32Array(0), 0, 2))).toEqual([0, 0]);
  });
});
