// Parsing of <msir-detector>'s attributes: pure, so Node tests can check it without a DOM.
import { EMOTIONS, type Emotion } from '../../model/emotions.ts';

export type WidgetMode = 'utterance' | 'continuous';

/** Parse the `emotions` attribute ("happy,angry"); unknown names are an error, not silently ignored. */
export function parseEmotionList(value: string | null): Emotion[] {
  if (value === null || value.trim() === '') return [...EMOTIONS];
  const names = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = names.filter((n) => !(EMOTIONS as readonly string[]).includes(n));
  if (bad.length > 0) {
    throw new RangeError(`msir-detector: unknown emotion(s) "${bad.join(', ')}" in emotions=; use ${EMOTIONS.join(', ')}`);
  }
  return EMOTIONS.filter((e) => names.includes(e));
}

export function parseMode(value: string | null): WidgetMode {
  if (value === null || value === '' || value === 'utterance') return 'utterance';
  if (value === 'continuous') return 'continuous';
  throw new RangeError(`msir-detector: mode="${value}" is not "utterance" or "continuous"`);
}
