// Speaker normalisation of cached features in training: statistics per speaker over that speaker's
// clips (src/features/speaker-norm.ts), the same rule `msir eval` applies to held-out speakers.
import type { Clip } from '../../src/eval/corpus/index.ts';
import { fitSpeakerNormSpec, SpeakerStats, type SpeakerNormSpec } from '../../src/features/speaker-norm.ts';
import type { Features } from '../../src/features/types.ts';

export interface SpeakerNormOptions {
  /** Pseudo-count (frames) of the training prior in every speaker's statistics. */
  priorFrames?: number;
  activityDb?: number;
}

/** The prior from the training clips, taken in id order so every member of a recipe gets the same one. */
export function fitSpeakerNorm<F extends { features: Features }>(train: Clip[], feats: Map<string, F>, opts: SpeakerNormOptions = {}): SpeakerNormSpec {
  const ids = train.map((c) => c.id).filter((id) => feats.has(id)).sort();
  return fitSpeakerNormSpec(ids.map((id) => feats.get(id)!.features), opts);
}

const speakerKey = (c: Clip): string | undefined => (c.speaker ? `${c.corpus}\0${c.speaker}` : undefined);

/**
 * A copy of `feats` whose features are normalised per speaker: statistics from each speaker's clips in
 * `statsFrom` (default: the clips normalised), applied to each clip of `clips`. Clips without a speaker
 * id, or whose speaker has no clip in `statsFrom`, get the prior alone.
 */
export function speakerNormalised<F extends { features: Features }>(
  spec: SpeakerNormSpec,
  clips: Clip[],
  feats: Map<string, F>,
  statsFrom: Clip[] = clips,
  statsFeats: Map<string, F> = feats,
): Map<string, F> {
  const stats = new Map<string, SpeakerStats>();
  for (const c of statsFrom) {
    const f = statsFeats.get(c.id);
    const k = speakerKey(c);
    if (!f || k === undefined) continue;
    let s = stats.get(k);
    if (!s) stats.set(k, (s = new SpeakerStats(spec)));
    s.add(f.features);
  }
  const global = new SpeakerStats(spec);
  const out = new Map(feats);
  for (const c of clips) {
    const f = feats.get(c.id);
    if (!f) continue;
    const k = speakerKey(c);
    out.set(c.id, { ...f, features: ((k !== undefined ? stats.get(k) : undefined) ?? global).normalise(f.features) });
  }
  return out;
}
