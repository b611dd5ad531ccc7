// The shared corpus layout (../shared/corpora/README.md): <corpus>/metadata.csv + audio files.
// Pure: takes the CSV text, so the browser (fetch) and Node (fs) use the same parser.
import { parseCsv } from './csv.ts';
import { fourClassLabel } from './labels.ts';
import { CorpusError, joinPath, type Clip, type CorpusIssue, type ParsedCorpus, type Split } from './types.ts';

export interface SharedLayoutOptions {
  /** Corpus folder (Node path or URL) the `file` column is relative to; '' keeps paths relative. */
  root?: string;
  /** Corpus name when the CSV has no `corpus` column (e.g. the folder name). */
  name?: string;
  /** How issues name the CSV (default 'metadata.csv'). */
  source?: string;
}

const REQUIRED = ['file', 'emotion'] as const;
const SPLITS: ReadonlySet<string> = new Set(['train', 'val', 'test']);

/**
 * Parse a shared-layout metadata.csv. Unknown emotion names get label null (listed, not dropped);
 * a missing or empty split leaves `split` undefined (the corpus is then evaluated whole).
 */
export function parseSharedMetadata(csvText: string, opts: SharedLayoutOptions = {}): ParsedCorpus {
  const source = opts.source ?? 'metadata.csv';
  const rows = parseCsv(csvText);
  if (rows.length === 0) throw new CorpusError('empty', `${source}: empty file, expected a header row`);
  const header = rows[0].fields.map((h) => h.trim().toLowerCase());
  for (const col of REQUIRED) {
    if (!header.includes(col)) {
      throw new CorpusError(
        'missing-column',
        `${source}: no "${col}" column (header: ${header.join(',')}); the shared layout needs file and emotion`,
      );
    }
  }
  const col = (name: string): number => header.indexOf(name);
  const iFile = col('file');
  const iEmotion = col('emotion');
  const iCorpus = col('corpus');
  const iSpeaker = col('speaker');
  const iSplit = col('split');
  const fallbackName = opts.name ?? 'corpus';
  const clips: Clip[] = [];
  const issues: CorpusIssue[] = [];
  const seen = new Set<string>();
  for (const { line, fields } of rows.slice(1)) {
    if (fields.length !== header.length) {
      issues.push({ source, line, message: `expected ${header.length} fields, found ${fields.length}; row skipped` });
      continue;
    }
    const file = fields[iFile].trim();
    const emotion = fields[iEmotion].trim();
    if (!file) {
      issues.push({ source, line, message: 'empty file name; row skipped' });
      continue;
    }
    const corpus = (iCorpus >= 0 && fields[iCorpus].trim()) || fallbackName;
    const id = `${corpus}:${file}`;
    if (seen.has(id)) {
      issues.push({ source, line, message: `duplicate file "${file}"; row skipped` });
      continue;
    }
    seen.add(id);
    const clip: Clip = {
      id,
      path: joinPath(opts.root ?? '', file),
      corpus,
      speaker: (iSpeaker >= 0 && fields[iSpeaker].trim()) || `${corpus}-unknown`,
      emotion,
      label: fourClassLabel(emotion),
    };
    if (iSplit >= 0) {
      const split = fields[iSplit].trim().toLowerCase();
      if (SPLITS.has(split)) clip.split = split as Split;
      else if (split) issues.push({ source, line, message: `unknown split "${split}"; clip kept without a split` });
    }
    clips.push(clip);
  }
  if (clips.length === 0) throw new CorpusError('empty', `${source}: no clips listed`);
  return { clips, issues };
}
