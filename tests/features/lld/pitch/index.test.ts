// computePitchGroupRaw: shape, argument checks and digital silence.
import { describe, expect, it } from 'vitest';
import { computePitchGroupRaw } from '../../../../src/features/lld/pitch/index.ts';
import { LOG_HNR_FLOOR } from '../../../../src/features/lld/pitch/jitter.ts';

describe('computePitchGroupRaw', () => {
  it('returns n60 × 6 values and rejects more frames than the signal holds', () => {
    const x = new Float32Array(960 + 160 * 9);
    const out = computePitchGroupRaw(x, 10);
    expect(out.length).toBe(60);
    // Digital silence: gated to unvoiced everywhere, logHNR at its floor.
    for (let t = 0; t < 10; t++) expect(Array.from(out.subarray(t * 6, t * 6 + 6))).toEqual([0, 0, 0, 0, 0, LOG_HNR_FLOOR]);
    expect(() => computePitchGroupRaw(x, 11)).toThrow(RangeError);
    expect(() => computePitchGroupRaw(x, -1)).toThrow(RangeError);
    expect(computePitchGroupRaw(new Float32Array(100), 0).length).toBe(0);
  });
});
