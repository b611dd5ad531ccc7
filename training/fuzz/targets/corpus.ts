// The evaluation page's readers of user files: metadata.csv (shared layout, and label files of other
// corpora handed to it), IEMOCAP EmoEvaluation files, a folder's file list (buildDataset), and zips
// (zipEntries + read + buildDataset). Documented outcomes: CorpusError (fatal CSV problems), ZipError;
// everything else must be reported as an issue and nothing dropped silently.
import fc from 'fast-check';
import { fourClassLabel, parseEmoEvaluation, parseSharedMetadata } from '../../../src/eval/corpus/index.ts';
import { parseCsv } from '../../../src/eval/corpus/csv.ts';
import { buildDataset, isAudioPath, type Dataset, type LocalFile } from '../../../src/ui/eval/dataset.ts';
import { zipEntries } from '../../../src/ui/eval/zip.ts';
import { applyMutations, describeMutations, mutationArb, type MutatedFile } from '../mutate.ts';
import { IEMOCAP_DIALOG, type Seed } from '../seeds.ts';
import { expectedCode, invariant, type FuzzTarget } from '../target.ts';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8');

/** Text seeds mutated as bytes (so invalid UTF-8, stray quotes and cut lines all occur). */
function textMutation(seeds: Array<{ name: string; text: string }>): { arb: fc.Arbitrary<MutatedFile>; text: (f: MutatedFile) => string; names: string[] } {
  const bytes = seeds.map((s) => enc.encode(s.text));
  return {
    arb: mutationArb(seeds.length, [], 6),
    text: (f) => dec.decode(applyMutations(bytes[f.seed]!, f.mutations)),
    names: seeds.map((s) => s.name),
  };
}

export function metadataCsvTarget(seeds: Array<{ name: string; text: string }>): FuzzTarget<MutatedFile> {
  const m = textMutation(seeds);
  return {
    name: 'metadata-csv',
    what: `mutated label files (${m.names.join('; ')}) → parseSharedMetadata`,
    arbitrary: m.arb,
    describe: (f) => describeMutations(f, m.names),
    async run(f) {
      const text = m.text(f);
      let parsed;
      try {
        parsed = parseSharedMetadata(text, { name: 'fuzz' });
      } catch (err) {
        const code = expectedCode(err, ['CorpusError']);
        if (!code) throw err;
        return code;
      }
      // Every data row becomes a clip or a reported issue ("row skipped"): nothing vanishes.
      const rows = parseCsv(text).length - 1;
      const skipped = parsed.issues.filter((i) => /row skipped/.test(i.message)).length;
      invariant(parsed.clips.length + skipped === rows, `${rows} rows gave ${parsed.clips.length} clips and ${skipped} skipped-row issues`);
      const ids = new Set(parsed.clips.map((c) => c.id));
      invariant(ids.size === parsed.clips.length, 'duplicate clip ids');
      for (const c of parsed.clips) {
        invariant(c.path.length > 0, 'clip with an empty path');
        invariant(c.label === fourClassLabel(c.emotion), `clip ${c.id}: label ${c.label} for emotion "${c.emotion}"`);
      }
      return 'ok';
    },
  };
}

export function iemocapLabelsTarget(): FuzzTarget<MutatedFile> {
  const m = textMutation([
    { name: 'EmoEvaluation', text: IEMOCAP_DIALOG },
    { name: 'EmoEvaluation CRLF', text: IEMOCAP_DIALOG.replace(/\n/g, '\r\n') },
  ]);
  return {
    name: 'iemocap-labels',
    what: 'mutated IEMOCAP EmoEvaluation label files → parseEmoEvaluation',
    arbitrary: m.arb,
    describe: (f) => describeMutations(f, m.names),
    async run(f) {
      const text = m.text(f);
      const { entries, issues } = parseEmoEvaluation(text, 'fuzz.txt');
      const summaryLines = text.split(/\r?\n/).filter((l) => l.trim().startsWith('[')).length;
      invariant(entries.length + issues.length === summaryLines, `${summaryLines} label lines gave ${entries.length} entries and ${issues.length} issues`);
      for (const e of entries) {
        invariant(Number.isFinite(e.startSec) && Number.isFinite(e.endSec) && e.endSec >= e.startSec, `entry ${e.utterance}: ${e.startSec}–${e.endSec}`);
        invariant(e.session >= 0 && e.session <= 99, `entry ${e.utterance}: session ${e.session}`);
      }
      return 'ok';
    },
  };
}

/** Every file handed over ends up in exactly one list the page shows (dataset.ts's promise). */
export function checkAccounted(files: LocalFile[], d: Dataset): void {
  const count = new Map<LocalFile, number>();
  const bump = (f: LocalFile): void => void count.set(f, (count.get(f) ?? 0) + 1);
  for (const it of d.items) bump(it.file);
  d.unmatchedAudio.forEach(bump);
  d.otherFiles.forEach(bump);
  const labelPaths = new Set(d.labelFiles);
  const reported = new Set(d.issues.map((i) => i.source));
  for (const f of files) {
    const n = count.get(f) ?? 0;
    // Label files are listed by path (a second file of the same path is listed as an other file).
    const accounted = n > 0 ? n : labelPaths.has(f.path) && !isAudioPath(f.path) ? 1 : 0;
    // IEMOCAP: a second copy of an utterance is named in an issue instead.
    invariant(accounted === 1 || (accounted === 0 && reported.has(f.path)), `${f.path} appears in ${accounted} lists`);
  }
}

interface FolderCase {
  /** Paths of the selection; the label files among them get the (mutated) label text. */
  paths: string[];
  label: MutatedFile;
}

const PATH_PARTS = ['corpus', 'audio', 'Session1', 'Session5', 'dialog', 'EmoEvaluation', 'sentences', 'wav', 'Ses01F_impro01', '..', '.', '', ' ', 'é', '__MACOSX'];
const FILE_NAMES = [
  'metadata.csv', 'METADATA.CSV', 'a.wav', 'b.flac', 'c.mp3', 'Ses01F_impro01.txt', 'Ses01F_impro01_F000.wav', 'Ses01F_impro01_M001.wav',
  '03a01Fa.flac', 'notes.txt', '.wav', 'x.WAV', 'Ses05M_script01_1b_F012.wav', 'labels.csv',
];

export function folderTarget(labelSeeds: Array<{ name: string; text: string }>): FuzzTarget<FolderCase> {
  const m = textMutation(labelSeeds);
  const path = fc.tuple(fc.array(fc.constantFrom(...PATH_PARTS), { maxLength: 4 }), fc.constantFrom(...FILE_NAMES)).map(([dirs, f]) => [...dirs, f].join('/'));
  return {
    name: 'folder',
    what: 'random selections of files (IEMOCAP and shared layouts, odd paths, duplicates, mutated label texts) → buildDataset',
    arbitrary: fc.record({ paths: fc.array(path, { minLength: 0, maxLength: 24 }), label: m.arb }),
    describe: (c) => `${c.paths.length} files [${c.paths.slice(0, 6).join(', ')}${c.paths.length > 6 ? ', …' : ''}] label ${describeMutations(c.label, m.names)}`,
    async run(c) {
      const text = enc.encode(m.text(c.label));
      const files: LocalFile[] = c.paths.map((p) => ({ path: p, size: text.length, read: async () => text }));
      const d = await buildDataset(files);
      checkAccounted(files, d);
      for (const it of d.items) invariant(it.clip.label === fourClassLabel(it.clip.emotion), `item ${it.clip.id}: label ${it.clip.label} for "${it.clip.emotion}"`);
      return d.layout === 'none' ? 'ok:no-labels' : 'ok';
    },
  };
}

export function zipTarget(seeds: Seed[]): FuzzTarget<MutatedFile> {
  const offsets = [...new Set(seeds.flatMap((s) => s.offsets))];
  const names = seeds.map((s) => s.name);
  return {
    name: 'zip',
    what: `mutated zips of a small corpus (${names.join('; ')}) → zipEntries → read every entry → buildDataset`,
    arbitrary: mutationArb(seeds.length, offsets),
    describe: (f) => describeMutations(f, names),
    async run(f) {
      const bytes = applyMutations(seeds[f.seed]!.bytes, f.mutations);
      let files: LocalFile[];
      try {
        files = zipEntries(bytes, 'fuzz.zip/');
      } catch (err) {
        const code = expectedCode(err, ['ZipError']);
        if (!code) throw err;
        return code;
      }
      // Reading is per entry: one bad entry is that entry's error, the others still read.
      let bad = 0;
      for (const file of files) {
        try {
          const data = await file.read();
          invariant(data.length === file.size, `${file.path}: read ${data.length} bytes, declared ${file.size}`);
        } catch (err) {
          if (!expectedCode(err, ['ZipError'])) throw err;
          bad++;
        }
      }
      // The page builds its dataset from every entry, unreadable ones included (a label file among them
      // must become an issue, not an exception).
      const d = await buildDataset(files);
      checkAccounted(files, d);
      return bad ? 'ZipError:entry' : 'ok';
    },
  };
}
