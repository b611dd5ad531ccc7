// Node corpus loading: reads a corpus folder from disk and hands the text to the pure parsers in
// src/eval/corpus/. Detects the layout: <dir>/metadata.csv (shared) or <dir>/Session{n}/ (IEMOCAP).
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CorpusError, parseIemocap, parseSharedMetadata, type Clip, type CorpusIssue, type Split } from '../../src/eval/corpus/index.ts';

export interface LoadCorpusOptions {
  /** IEMOCAP only: keep these sessions. */
  sessions?: number[];
  /** IEMOCAP only: the held-out test session (default 5). */
  testSession?: number;
  /** Called for every non-fatal problem (default: one line each on stderr). */
  onIssue?: (issue: CorpusIssue) => void;
  /** Check that every audio file exists; missing ones become issues and are dropped (default true). */
  checkFiles?: boolean;
  /**
   * IEMOCAP only: keep utterances outside the 4-class protocol too (label null: fru, sur, xxx, …), as the
   * shared layout always does; default false, the paper's protocol.
   */
  includeUnlabelled?: boolean;
}

export type CorpusLayout = 'shared' | 'iemocap';

export function detectLayout(dir: string): CorpusLayout {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CorpusError('not-found', `corpus folder not found: ${dir}`);
  if (existsSync(path.join(dir, 'metadata.csv'))) return 'shared';
  for (let s = 1; s <= 5; s++) {
    if (existsSync(path.join(dir, `Session${s}`, 'dialog', 'EmoEvaluation'))) return 'iemocap';
  }
  throw new CorpusError(
    'unknown-layout',
    `${dir}: neither metadata.csv (shared layout) nor Session{n}/dialog/EmoEvaluation/ (IEMOCAP layout)`,
  );
}

const defaultIssue = (issue: CorpusIssue): void => {
  process.stderr.write(`corpus: ${issue.source}${issue.line ? `:${issue.line}` : ''}: ${issue.message}\n`);
};

/** Load one corpus folder; clip paths are absolute. */
export async function loadCorpus(dir: string, opts: LoadCorpusOptions = {}): Promise<Clip[]> {
  const root = path.resolve(dir);
  const onIssue = opts.onIssue ?? defaultIssue;
  const layout = detectLayout(root);
  let clips: Clip[];
  let issues: CorpusIssue[];
  if (layout === 'shared') {
    const csvPath = path.join(root, 'metadata.csv');
    ({ clips, issues } = parseSharedMetadata(await readFile(csvPath, 'utf8'), { root, name: path.basename(root), source: csvPath }));
  } else {
    const files: Array<{ source: string; text: string }> = [];
    for (let s = 1; s <= 9; s++) {
      if (opts.sessions && !opts.sessions.includes(s)) continue;
      const evalDir = path.join(root, `Session${s}`, 'dialog', 'EmoEvaluation');
      if (!existsSync(evalDir)) continue;
      const names = (await readdir(evalDir)).filter((n) => n.endsWith('.txt') && !n.startsWith('.')).sort();
      for (const n of names) {
        const source = path.join(evalDir, n);
        files.push({ source, text: await readFile(source, 'utf8') });
      }
    }
    ({ clips, issues } = parseIemocap(files, { root, sessions: opts.sessions, testSession: opts.testSession, includeUnlabelled: opts.includeUnlabelled ?? false }));
  }
  issues.forEach(onIssue);
  if (opts.checkFiles ?? true) {
    clips = clips.filter((c) => {
      if (existsSync(c.path)) return true;
      onIssue({ source: c.path, message: `audio file missing; clip ${c.id} skipped` });
      return false;
    });
  }
  if (clips.length === 0) throw new CorpusError('empty', `${root}: no clips found`);
  return clips;
}

/** Load and pool several corpora (ids are corpus-prefixed, so they stay unique). */
export async function loadCorpora(dirs: string[], opts: LoadCorpusOptions = {}): Promise<Clip[]> {
  const all: Clip[] = [];
  const ids = new Set<string>();
  for (const d of dirs) {
    for (const c of await loadCorpus(d, opts)) {
      if (ids.has(c.id)) throw new CorpusError('duplicate', `clip id ${c.id} appears in two corpora (same corpus given twice?)`);
      ids.add(c.id);
      all.push(c);
    }
  }
  return all;
}

/**
 * Clips of one split; a clip without a split (corpus with no split column) belongs to every split,
 * so a corpus without a split column is evaluated whole (cross-corpus).
 */
export function selectSplit(clips: Clip[], split: Split | 'all'): Clip[] {
  if (split === 'all') return clips;
  return clips.filter((c) => c.split === undefined || c.split === split);
}

/** Clips inside the 4-class protocol (label not null). */
export function labelled(clips: Clip[]): Array<Clip & { label: NonNullable<Clip['label']> }> {
  return clips.filter((c): c is Clip & { label: NonNullable<Clip['label']> } => c.label !== null);
}
