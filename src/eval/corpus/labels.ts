// The paper's 4-class protocol: neutral, happy (IEMOCAP's excited merged in), sad, angry; the rest → null.
import type { Emotion } from '../../model/emotions.ts';

const FOUR_CLASS: Record<string, Emotion> = {
  neutral: 'neutral',
  neu: 'neutral',
  happy: 'happy',
  hap: 'happy',
  happiness: 'happy',
  exc: 'happy', // IEMOCAP "excited", merged into happy as in the paper (5531 utterances)
  excited: 'happy',
  sad: 'sad',
  sadness: 'sad',
  angry: 'angry',
  ang: 'angry',
  anger: 'angry',
};

/** Map a corpus emotion name or code (case-insensitive) to the 4-class label, or null if outside it. */
export function fourClassLabel(emotion: string): Emotion | null {
  return FOUR_CLASS[emotion.trim().toLowerCase()] ?? null;
}
