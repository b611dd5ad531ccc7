// The four detected emotions, in the order every output vector, manifest and report uses.
export const EMOTIONS = ['happy', 'neutral', 'sad', 'angry'] as const;
export type Emotion = (typeof EMOTIONS)[number];
