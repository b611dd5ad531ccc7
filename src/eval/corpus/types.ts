// What every corpus layout yields: one Clip per audio file, labelled with the paper's 4-class mapping.
import type { Emotion } from '../../model/emotions.ts';

export type Split = 'train' | 'val' | 'test';

export interface Clip {
  /** Unique across pooled corpora: `<corpus>:<path inside the corpus>`. */
  id: string;
  /** Audio location: the parser's `root` joined with the path inside the corpus (absolute in Node). */
  path: string;
  corpus: string;
  speaker: string;
  /** The corpus's own emotion name or code, kept as written (e.g. 'calm', 'exc', 'boredom'). */
  emotion: string;
  /** 4-class label: neutral, happy (+ IEMOCAP exc), sad, angry; null for every other emotion. */
  label: Emotion | null;
  split?: Split;
  /** IEMOCAP session (1–5). */
  session?: number;
}

/** A problem in the corpus description that did not stop parsing (reported, not fatal). */
export interface CorpusIssue {
  /** File the problem is in, as the caller named it. */
  source: string;
  /** 1-based line number, when the problem is on one line. */
  line?: number;
  message: string;
}

export interface ParsedCorpus {
  clips: Clip[];
  issues: CorpusIssue[];
}

export type CorpusErrorCode =
  | 'missing-column' // metadata.csv lacks a required column
  | 'empty' // no rows / no clips
  | 'unknown-layout' // neither metadata.csv nor IEMOCAP Session folders
  | 'not-found' // the corpus folder does not exist
  | 'duplicate'; // the same clip id in two pooled corpora

/** Fatal corpus problems: callers switch on `code`, users read `message`. */
export class CorpusError extends Error {
  readonly code: CorpusErrorCode;
  constructor(code: CorpusErrorCode, message: string) {
    super(message);
    this.name = 'CorpusError';
    this.code = code;
  }
}

/** Join a root (directory, URL or '') and a '/'-separated relative path without doubling slashes. */
export function joinPath(root: string, rel: string): string {
  if (!root) return rel;
  return root.endsWith('/') || root.endsWith('\\') ? root + rel : `${root}/${rel}`;
}
