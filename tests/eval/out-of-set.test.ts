import { describe, expect, it } from 'vitest';
import { formatOutOfSet, outOfSetRates } from '../../src/eval/out-of-set.ts';

describe('outOfSetRates', () => {
  // thresholds in EMOTIONS order: happy, neutral, sad, angry
  const th = [0.5, 0.4, 0.3, 0.6];
  it('counts, per emotion name, the clips each detector fires on and those none fires on', () => {
    const r = outOfSetRates(
      [
        [0.5, 0.1, 0.1, 0.1], // calm: happy (at its threshold)
        [0.1, 0.39, 0.3, 0.59], // calm: sad only
        [0.1, 0.1, 0.1, 0.1], // calm: none
        [0.9, 0.1, 0.1, 0.7], // fearful: happy and angry
      ],
      ['calm', 'calm', 'calm', 'fearful'],
      th,
    );
    expect(Object.keys(r.byEmotion)).toEqual(['calm', 'fearful']);
    expect(r.byEmotion.calm).toEqual({ n: 3, fired: { happy: 1, neutral: 0, sad: 1, angry: 0 }, none: 1 });
    expect(r.byEmotion.fearful).toEqual({ n: 1, fired: { happy: 1, neutral: 0, sad: 0, angry: 1 }, none: 0 });
    expect(r.all).toEqual({ n: 4, fired: { happy: 2, neutral: 0, sad: 1, angry: 1 }, none: 1 });
    const text = formatOutOfSet(r);
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toMatch(/^calm\s+3\s+33%\s+0%\s+33%\s+0%\s+33%$/m);
    expect(text).toMatch(/^all\s+4\s+50%\s+0%\s+25%\s+25%\s+25%$/m);
  });

  it('refuses mismatched inputs', () => {
    expect(() => outOfSetRates([[0, 0, 0, 0]], [], th)).toThrow(/1 predictions for 0 clips/);
    expect(() => outOfSetRates([], [], [0.5])).toThrow(/need 4 thresholds/);
  });
});
