import { describe, expect, it } from 'vitest';
import type { Clip } from '../../src/eval/corpus/index.ts';
import type { Emotion } from '../../src/model/emotions.ts';
import { fitZScore, splitClips } from '../../training/baseline/train.ts';

type L = Clip & { label: Emotion };
const clip = (corpus: string, speaker: string, split: Clip['split'], i: number): L => ({
  id: `${corpus}:${speaker}-${i}`,
  path: `/x/${speaker}-${i}.wav`,
  corpus,
  speaker,
  emotion: 'sad',
  label: 'sad',
  split,
});

describe('splitClips', () => {
  it('keeps given splits and carves val speakers out of train for a corpus without val (IEMOCAP)', () => {
    const clips: L[] = [];
    for (let s = 1; s <= 8; s++) for (let i = 0; i < 3; i++) clips.push(clip('iemocap', `iemocap0${Math.ceil(s / 2)}${s % 2 ? 'F' : 'M'}`, 'train', i));
    for (let i = 0; i < 3; i++) clips.push(clip('iemocap', 'iemocap05F', 'test', i));
    clips.push(clip('shared', 'a', 'train', 0), clip('shared', 'b', 'val', 0));
    const { train, val, test } = splitClips(clips, 1);
    const valIemocap = new Set(val.filter((c) => c.corpus === 'iemocap').map((c) => c.speaker));
    expect(valIemocap.size).toBe(1); // 8 train speakers / 8
    expect(train.some((c) => valIemocap.has(c.speaker))).toBe(false);
    expect(train.length + val.length).toBe(8 * 3 + 2);
    expect(val.filter((c) => c.corpus === 'shared').map((c) => c.speaker)).toEqual(['b']);
    expect(test).toHaveLength(3);
    // deterministic by seed
    expect(splitClips(clips, 1).val.map((c) => c.id)).toEqual(val.map((c) => c.id));
  });
});

describe('fitZScore', () => {
  it('fits means and population stds, constant columns get std 1', () => {
    const { mean, std } = fitZScore([Float32Array.of(1, 5), Float32Array.of(3, 5)], 2);
    expect(mean).toEqual([2, 5]);
    expect(std).toEqual([1, 1]);
  });
});
