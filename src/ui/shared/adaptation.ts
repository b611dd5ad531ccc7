// Wording of the speaker/session adaptation readout (demo and widget): how much speech the session's
// statistics hold, and whether the training prior still dominates them. Pure, no DOM.
import type { ModelManifest } from '../../model/manifest.ts';

/** Seconds of speech the training prior counts as in the blend (manifest priorFrames × frame step);
 *  null for a model without speaker normalisation. */
export function priorSeconds(m: ModelManifest): number | null {
  const spec = m.speakerNormalisation;
  return spec ? spec.priorFrames * m.features.frameStepSec : null;
}

/** "Adapted to your voice: 12 s of speech", noting when the prior still outweighs the speech heard. */
export function adaptationText(speechSec: number, priorSec: number): string {
  const s = Math.round(speechSec);
  const base = `Adapted to your voice: ${s} s of speech`;
  return speechSec < priorSec ? `${base} (still mostly the training average, which counts as ${Math.round(priorSec)} s)` : base;
}
