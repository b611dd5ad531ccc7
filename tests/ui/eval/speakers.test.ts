// The evaluation page's per-speaker normalisation plan: the rule of `msir eval` (statistics of each
// corpus+speaker over its scored clips; other clips of the speaker use them; no speaker id, a speaker
// without scored clips, or 'global' mode: the prior), and merging equal to SpeakerStats.addMoments.
import { describe, expect, it } from 'vitest';
import type { Clip } from '../../../src/eval/corpus/index.ts';
import { fitSpeakerNormSpec, SpeakerStats, type SpeakerMoments } from '../../../src/features/speaker-norm.ts';
import { LLD_DIMS, LOGMEL_BANDS } from '../../../src/features/types.ts';
import type { Emotion } from '../../../src/model/emotions.ts';
import type { EvalItem } from '../../../src/ui/eval/dataset.ts';
import { addMoments, itemsToObserve, normalisationPlan, speakerKey } from '../../../src/ui/eval/speakers.ts';

const item = (id: string, corpus: string, speaker: string, label: Emotion | null): EvalItem => {
  const clip: Clip = { id, path: `${id}.wav`, corpus, speaker, emotion: label ?? 'fru', label };
  return { clip, file: { path: clip.path, size: 1, read: async () => new Uint8Array(1) } };
};

/** Deterministic moments whose values depend on `seed`. */
function moments(seed: number): SpeakerMoments {
  const m = (d: number) => ({ frames: 10 * seed, sum: Array.from({ length: d }, (_, c) => seed * 0.37 + c * 0.01), sumSq: Array.from({ length: d }, (_, c) => seed * 3.1 + c) });
  return { logmel: m(LOGMEL_BANDS * 2), lld: m(LLD_DIMS) };
}

const items = [
  item('a1', 'A', 's1', 'happy'), // 0
  item('a2', 'A', 's1', 'sad'), // 1
  item('a3', 'A', 's1', null), // 2: outside the four, uses s1's statistics
  item('b1', 'B', 's1', 'angry'), // 3: same speaker name, another corpus: its own group
  item('a4', 'A', 's2', null), // 4: a speaker with no scored clip: the prior
  item('a5', 'A', '', 'neutral'), // 5: no speaker id: the prior
  item('a6', 'A', 's3', 'angry'), // 6: its only scored clip failed to decode: the prior
];

describe('evaluation page speaker normalisation', () => {
  it('observes the scored clips that have a speaker, and keys them by corpus + speaker', () => {
    expect(itemsToObserve(items, 'speaker')).toEqual([0, 1, 3, 6]);
    expect(itemsToObserve(items, 'global')).toEqual([]);
    expect(speakerKey(items[0]!, 'speaker')).toBe('A\0s1');
    expect(speakerKey(items[3]!, 'speaker')).toBe('B\0s1');
    expect(speakerKey(items[5]!, 'speaker')).toBeUndefined();
    expect(speakerKey(items[0]!, 'global')).toBeUndefined();
  });

  it('gives each clip its speaker\'s merged statistics, or the prior', () => {
    const observed = new Map([[1, moments(2)], [0, moments(1)], [3, moments(5)]]);
    const plan = normalisationPlan(items, 'speaker', observed);
    const s1 = addMoments(moments(1), moments(2));
    expect(plan.perItem[0]).toEqual(s1);
    expect(plan.perItem[1]).toEqual(s1);
    expect(plan.perItem[2]).toEqual(s1);
    expect(plan.perItem[3]).toEqual(moments(5));
    expect(plan.perItem.slice(4)).toEqual(['global', 'global', 'global']);
    expect(plan.speakers).toBe(2);
    expect(plan.globalItems).toBe(3);
    const global = normalisationPlan(items, 'global', observed);
    expect(global.perItem.every((p) => p === 'global')).toBe(true);
    expect(global.speakers).toBe(0);
  });

  it('merges moments exactly as SpeakerStats.addMoments', () => {
    const spec = fitSpeakerNormSpec([
      {
        logmel: Float32Array.from({ length: 3 * LOGMEL_BANDS * 2 }, (_, i) => Math.sin(i)),
        lld: Float32Array.from({ length: 3 * LLD_DIMS }, (_, i) => 1 + Math.cos(i)),
        logmelFrames: 3,
        lldFrames: 3,
        durationSec: 0.03,
      },
    ]);
    const ref = new SpeakerStats(spec).addMoments(moments(1)).addMoments(moments(2)).addMoments(moments(3)).toMoments();
    expect(addMoments(addMoments(moments(1), moments(2)), moments(3))).toEqual(ref);
  });
});
