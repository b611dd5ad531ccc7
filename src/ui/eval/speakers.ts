// Per-speaker normalisation on the evaluation page, as `msir eval` does it (training/commands/eval.ts,
// speakerNormalise): each speaker's statistics come from that speaker's scored clips (the 4-class clips
// of the selection), keyed by corpus + speaker; clips outside the four use their speaker's statistics;
// clips with no speaker id, of a speaker with no scored clip, or in 'global' mode use the training prior.
// Pure: the workers compute each clip's moments, this merges and assigns them.
import type { SpeakerMoments } from '../../features/speaker-norm.ts';
import type { EvalItem } from './dataset.ts';
import type { ClipNormalisation } from './protocol.ts';

export type SpeakerNormMode = 'speaker' | 'global';

export const isSpeakerNormMode = (v: unknown): v is SpeakerNormMode => v === 'speaker' || v === 'global';

/** The statistics group of a clip (the same key as msir eval's), or undefined for the prior alone. */
export function speakerKey(item: EvalItem, mode: SpeakerNormMode): string | undefined {
  return mode === 'speaker' && item.clip.speaker ? `${item.clip.corpus}\0${item.clip.speaker}` : undefined;
}

/** Indices of the clips the first pass observes: scored (4-class) clips that have a speaker key. */
export function itemsToObserve(items: EvalItem[], mode: SpeakerNormMode): number[] {
  return items.flatMap((it, i) => (it.clip.label !== null && speakerKey(it, mode) !== undefined ? [i] : []));
}

/** a + b, as SpeakerStats.addMoments sums them (float64 sums per column). */
export function addMoments(a: SpeakerMoments, b: SpeakerMoments): SpeakerMoments {
  const add = (x: SpeakerMoments['logmel'], y: SpeakerMoments['logmel']): SpeakerMoments['logmel'] => ({
    frames: x.frames + y.frames,
    sum: x.sum.map((v, c) => v + y.sum[c]!),
    sumSq: x.sumSq.map((v, c) => v + y.sumSq[c]!),
  });
  return { logmel: add(a.logmel, b.logmel), lld: add(a.lld, b.lld) };
}

export interface NormalisationPlan {
  /** What each item's second pass runs with (same order as the items). */
  perItem: ClipNormalisation[];
  /** Speakers whose statistics are used. */
  speakers: number;
  /** Items that get the training prior alone. */
  globalItems: number;
}

/** `observed`: item index → its moments, for the first-pass clips that decoded (failed ones add nothing). */
export function normalisationPlan(items: EvalItem[], mode: SpeakerNormMode, observed: ReadonlyMap<number, SpeakerMoments>): NormalisationPlan {
  const bySpeaker = new Map<string, SpeakerMoments>();
  // Item order, so the sums are the same whatever order the workers finished in.
  for (const [i, m] of [...observed].sort((a, b) => a[0] - b[0])) {
    const k = speakerKey(items[i]!, mode);
    if (k === undefined || items[i]!.clip.label === null) continue;
    const prev = bySpeaker.get(k);
    bySpeaker.set(k, prev ? addMoments(prev, m) : m);
  }
  const perItem = items.map((it): ClipNormalisation => {
    const k = speakerKey(it, mode);
    return (k !== undefined ? bySpeaker.get(k) : undefined) ?? 'global';
  });
  return { perItem, speakers: bySpeaker.size, globalItems: perItem.filter((p) => p === 'global').length };
}
