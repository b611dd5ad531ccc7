// Corpus layouts, pure (browser + Node): shared metadata.csv and IEMOCAP's release layout.
export * from './types.ts';
export { fourClassLabel } from './labels.ts';
export { parseCsv } from './csv.ts';
export { parseSharedMetadata, type SharedLayoutOptions } from './shared.ts';
export { parseEmoEvaluation, iemocapClips, parseIemocap, type EmoEvaluationEntry, type IemocapOptions } from './iemocap.ts';
