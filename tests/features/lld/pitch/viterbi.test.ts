// Viterbi pitch smoothing on small hand-made trellises (2 candidates + unvoiced).
import { describe, expect, it } from 'vitest';
import { viterbiPitchStates } from '../../../../src/features/lld/pitch/viterbi.ts';

describe('viterbiPitchStates', () => {
  // Two candidates per frame (states 0, 1) and the unvoiced state 2.
  const decode = (rows: Array<[number, number, number, number]>): number[] => {
    const f0 = new Float64Array(rows.length * 2);
    const v = new Float64Array(rows.length * 2);
    rows.forEach(([fa, va, fb, vb], t) => {
      f0[2 * t] = fa;
      v[2 * t] = va;
      f0[2 * t + 1] = fb;
      v[2 * t + 1] = vb;
    });
    return Array.from(viterbiPitchStates(f0, v, rows.length, 2));
  };

  it('follows the continuous contour through a one-frame octave jump of the best candidate', () => {
    // Frame 1's top candidate is the octave (400 Hz, slightly higher voicing): the path stays at 200 Hz.
    expect(decode([[200, 0.9, 400, 0.8], [400, 0.92, 200, 0.9], [200, 0.9, 400, 0.8]])).toEqual([0, 1, 0]);
  });

  it('goes unvoiced through frames whose voicing is below the threshold', () => {
    // Staying voiced costs 2·(−ln 0.1 + 4) ≈ 12.6 per weak frame; v→u + u→u + u→u + u→v costs 10+1+1+10.
    const voiced: [number, number, number, number] = [200, 0.9, 300, 0.3];
    const weak: [number, number, number, number] = [200, 0.1, 300, 0.1];
    expect(decode([voiced, voiced, voiced, weak, weak, weak, voiced, voiced, voiced])).toEqual([0, 0, 0, 2, 2, 2, 0, 0, 0]);
  });

  it('never picks an empty candidate', () => {
    expect(decode([[200, 0.9, 0, 0.95], [200, 0.9, 0, 0.95], [200, 0.9, 0, 0.95]])).toEqual([0, 0, 0]);
  });

  it('shares lastChange across all (i, j) evaluations (openSMILE quirk, kept)', () => {
    // Two identical candidates. Frame 1, state 0: from j=0 the cost is 10·|0 − lastChange(=1)| = 10 and
    // lastChange becomes 0, so from j=1 it is 0: state 0's best predecessor is state 1. Both final
    // costs tie, state 0 wins the flush, and its path is [1, 0]. A per-path lastChange would give [0, 0].
    expect(decode([[200, 0.9, 200, 0.9], [200, 0.9, 200, 0.9]])).toEqual([1, 0]);
  });

  it('decides every frame of a long ambiguous stretch (forced output after 30 pending frames, flush at the end)', () => {
    // Two parallel contours an octave apart never merge, so the survivor paths never agree.
    const octave = Array.from({ length: 100 }, (): [number, number, number, number] => [200, 0.9, 400, 0.85]);
    expect(decode(octave)).toEqual(new Array(100).fill(0));
    // 200 vs 230 Hz: the same, except that the shared lastChange (initially 1) makes frame 0's cheapest
    // successor come from candidate 1, as in the previous test.
    const close = Array.from({ length: 100 }, (): [number, number, number, number] => [200, 0.9, 230, 0.85]);
    expect(decode(close)).toEqual([1, ...new Array(99).fill(0)]);
  });

  it('rejects tables shorter than rows × candidates', () => {
    expect(() => viterbiPitchStates(new Float64Array(4), new Float64Array(4), 3, 2)).toThrow(RangeError);
  });
});
