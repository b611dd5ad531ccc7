// From a bag of local files (folder, loose files or zip entries) to the clips to evaluate. Pure apart
// from reading label texts through the files' own read(); the layouts' parsers are src/eval/corpus.
// Nothing is dropped silently: every file ends up in exactly one list the page shows.
import {
  CorpusError,
  parseIemocap,
  parseSharedMetadata,
  type Clip,
  type CorpusIssue,
  type Split,
} from '../../eval/corpus/index.ts';
import type { Emotion } from '../../model/emotions.ts';

/** A local file, whatever it came from. `path` is '/'-separated, relative to what the user chose. */
export interface LocalFile {
  path: string;
  size: number;
  read(): Promise<Uint8Array>;
}

export interface EvalItem {
  clip: Clip;
  file: LocalFile;
}

export interface LabelledItem extends EvalItem {
  clip: Clip & { label: Emotion };
}

export type Layout = 'iemocap' | 'shared' | 'none';

export interface Dataset {
  layout: Layout;
  /** Files read as label descriptions (EmoEvaluation/*.txt or metadata.csv). */
  labelFiles: string[];
  /** Every audio file matched to a label entry (4-class or not), in label-file order. */
  items: EvalItem[];
  /** Audio files no label entry names (listed so the user sees what was not evaluated). */
  unmatchedAudio: LocalFile[];
  /** Label entries whose audio file is not in the selection. */
  missingAudio: Clip[];
  /** Files that are neither audio nor a label file of the detected layout. */
  otherFiles: LocalFile[];
  /** Problems in label files (malformed lines, duplicate rows, …), and fatal ones as messages. */
  issues: CorpusIssue[];
  /** IEMOCAP sessions present (sorted). */
  sessions: number[];
  /** Shared layout splits present. */
  splits: Split[];
}

const AUDIO_EXT = /\.(wav|flac|mp3|ogg|oga|opus|m4a|aac|webm|aiff?)$/i;
const IEMOCAP_LABEL = /(?:^|\/)(?:Session\d+\/dialog\/)?EmoEvaluation\/(Ses\d\d[MF]_[^/]+)\.txt$/i;
/** A loose dialog label file (no folders, e.g. picked one by one): Ses05F_impro01.txt. */
const LOOSE_DIALOG = /^(Ses\d\d[MF]_[^/]+)\.txt$/i;
const METADATA = /(?:^|\/)metadata\.csv$/i;

export const isAudioPath = (path: string): boolean => AUDIO_EXT.test(path);

const stem = (path: string): string => {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
};

const dirOf = (path: string): string => {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? '' : path.slice(0, cut + 1);
};

const decoder = new TextDecoder('utf-8');

async function readText(file: LocalFile): Promise<string> {
  return decoder.decode(await file.read());
}

/** Recognise the layout and match audio files to labels. */
export async function buildDataset(files: LocalFile[]): Promise<Dataset> {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const iemocapLabels = sorted.filter((f) => IEMOCAP_LABEL.test(f.path) || LOOSE_DIALOG.test(f.path));
  // Prefer the shallowest metadata.csv: a corpus folder may hold others deeper down.
  const metadata = sorted.filter((f) => METADATA.test(f.path)).sort((a, b) => a.path.split('/').length - b.path.split('/').length)[0];
  if (iemocapLabels.length > 0) return buildIemocap(sorted, iemocapLabels);
  if (metadata) return buildShared(sorted, metadata);
  return {
    layout: 'none',
    labelFiles: [],
    items: [],
    unmatchedAudio: sorted.filter((f) => isAudioPath(f.path)),
    missingAudio: [],
    otherFiles: sorted.filter((f) => !isAudioPath(f.path)),
    issues: [
      {
        source: 'selection',
        message:
          'no label files found: expected IEMOCAP Session*/dialog/EmoEvaluation/*.txt or a metadata.csv (shared layout)',
      },
    ],
    sessions: [],
    splits: [],
  };
}

/** A label file's text, or an issue naming it when it cannot be read (e.g. a corrupt zip entry):
 *  one unreadable label file must not lose the rest of the selection. */
async function readLabelText(file: LocalFile, issues: CorpusIssue[]): Promise<string | null> {
  try {
    return await readText(file);
  } catch (error) {
    issues.push({ source: file.path, message: `cannot read this label file: ${error instanceof Error ? error.message : String(error)}` });
    return null;
  }
}

async function buildIemocap(files: LocalFile[], labelFiles: LocalFile[]): Promise<Dataset> {
  const readIssues: CorpusIssue[] = [];
  const texts: Array<{ source: string; text: string }> = [];
  for (const f of labelFiles) {
    const text = await readLabelText(f, readIssues);
    if (text !== null) texts.push({ source: f.path, text });
  }
  // All sessions and all emotions: the page filters sessions itself and lists non-4-class clips.
  const parsed = parseIemocap(texts, { includeUnlabelled: true });
  const issues = [...readIssues, ...parsed.issues];
  // Utterance ids are unique across IEMOCAP, so match by file stem: works for the release tree, a
  // re-rooted copy, and loose files alike.
  const audioByStem = new Map<string, LocalFile>();
  for (const f of files) {
    if (!isAudioPath(f.path)) continue;
    const key = stem(f.path);
    const prev = audioByStem.get(key);
    if (prev) {
      // Prefer the file inside the release layout; report the other.
      const keep = /sentences\/wav\//.test(f.path) && !/sentences\/wav\//.test(prev.path) ? f : prev;
      const drop = keep === f ? prev : f;
      issues.push({ source: drop.path, message: `same utterance as ${keep.path}; this copy is ignored` });
      audioByStem.set(key, keep);
    } else {
      audioByStem.set(key, f);
    }
  }
  const items: EvalItem[] = [];
  const missingAudio: Clip[] = [];
  const used = new Set<LocalFile>();
  const seenIds = new Set<string>();
  for (const clip of parsed.clips) {
    if (seenIds.has(clip.id)) {
      issues.push({ source: clip.id, message: 'utterance labelled twice; the first label is used' });
      continue;
    }
    seenIds.add(clip.id);
    const file = audioByStem.get(clip.id.slice('iemocap:'.length));
    if (!file) {
      missingAudio.push(clip);
      continue;
    }
    used.add(file);
    items.push({ clip: { ...clip, path: file.path }, file });
  }
  const labelSet = new Set(labelFiles);
  const sessions = [...new Set(parsed.clips.map((c) => c.session ?? 0))].filter((s) => s > 0).sort((a, b) => a - b);
  return {
    layout: 'iemocap',
    labelFiles: labelFiles.map((f) => f.path),
    items,
    unmatchedAudio: files.filter((f) => isAudioPath(f.path) && !used.has(f) && audioByStem.get(stem(f.path)) === f),
    missingAudio,
    otherFiles: files.filter((f) => !isAudioPath(f.path) && !labelSet.has(f)),
    issues,
    sessions,
    splits: [],
  };
}

async function buildShared(files: LocalFile[], metadata: LocalFile): Promise<Dataset> {
  const root = dirOf(metadata.path);
  const name = root ? root.slice(0, -1).split('/').pop() || 'corpus' : 'corpus';
  let clips: Clip[] = [];
  const issues: CorpusIssue[] = [];
  const text = await readLabelText(metadata, issues);
  if (text !== null) {
    try {
      const parsed = parseSharedMetadata(text, { name, source: metadata.path });
      clips = parsed.clips;
      issues.push(...parsed.issues);
    } catch (error) {
      if (!(error instanceof CorpusError)) throw error;
      issues.push({ source: metadata.path, message: error.message });
    }
  }
  const byPath = new Map<string, LocalFile>();
  for (const f of files) if (isAudioPath(f.path)) byPath.set(f.path, f);
  const items: EvalItem[] = [];
  const missingAudio: Clip[] = [];
  const used = new Set<LocalFile>();
  for (const clip of clips) {
    const file = byPath.get(root + clip.path.replace(/^\.\//, ''));
    if (!file) {
      missingAudio.push(clip);
      continue;
    }
    used.add(file);
    items.push({ clip: { ...clip, path: file.path }, file });
  }
  const splits = (['train', 'val', 'test'] as const).filter((s) => clips.some((c) => c.split === s));
  return {
    layout: 'shared',
    labelFiles: [metadata.path],
    items,
    unmatchedAudio: files.filter((f) => isAudioPath(f.path) && !used.has(f)),
    missingAudio,
    otherFiles: files.filter((f) => !isAudioPath(f.path) && f !== metadata),
    issues,
    sessions: [],
    splits,
  };
}

export interface Selection {
  /** IEMOCAP session to evaluate, or 'all'. */
  session: number | 'all';
  /** Shared-layout split to evaluate, or 'all'. */
  split: Split | 'all';
}

/** Default filters: IEMOCAP session 5 (the paper's test session), shared layout's test split if any. */
export function defaultSelection(d: Dataset): Selection {
  return {
    session: d.sessions.includes(5) ? 5 : 'all',
    split: d.splits.includes('test') ? 'test' : 'all',
  };
}

/** The clips a run evaluates (4-class labels only) and those the filter keeps but cannot score. */
export function selectItems(d: Dataset, sel: Selection): { labelled: LabelledItem[]; unlabelled: EvalItem[] } {
  const kept = d.items.filter(
    (it) =>
      (sel.session === 'all' || it.clip.session === undefined || it.clip.session === sel.session) &&
      (sel.split === 'all' || it.clip.split === sel.split),
  );
  return {
    labelled: kept.filter((it): it is LabelledItem => it.clip.label !== null),
    unlabelled: kept.filter((it) => it.clip.label === null),
  };
}
