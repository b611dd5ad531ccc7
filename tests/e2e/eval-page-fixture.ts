// A small synthetic corpus in IEMOCAP's release layout, made from shared RAVDESS test-split clips:
// Session{n}/sentences/wav/<dialog>/<utt>.wav (16-bit WAV via sox) + Session{n}/dialog/EmoEvaluation/
// <dialog>.txt, plus the bad input the page must report: a malformed label line, a labelled clip with
// no audio, an audio file with no label, a corrupt WAV, and a non-audio file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const RAVDESS = path.join(SHARED, 'corpora/ravdess');

/** IEMOCAP category code for each RAVDESS emotion used; 'calm' stands in for a non-4-class code. */
const CODES: Record<string, string[]> = {
  neutral: ['neu'],
  happy: ['hap', 'exc'],
  sad: ['sad'],
  angry: ['ang'],
  calm: ['fru'],
};

interface Row {
  file: string;
  emotion: string;
  gender: string;
  split: string;
}

function ravdessRows(): Row[] {
  const lines = readFileSync(path.join(RAVDESS, 'metadata.csv'), 'utf8').trim().split(/\r?\n/);
  const head = lines[0]!.split(',');
  const col = (n: string): number => head.indexOf(n);
  return lines.slice(1).map((l) => {
    const f = l.split(',');
    return { file: f[col('file')]!, emotion: f[col('emotion')]!, gender: f[col('gender')]!, split: f[col('split')]! };
  });
}

export interface IemocapFixture {
  /** Folder holding Session1/ and Session5/ (what `msir eval --corpus` and the page get). */
  root: string;
  /** Utterance ids of session-5 clips with a 4-class label and decodable audio. */
  scored: string[];
  /** Session-5 utterances outside the 4 classes (fru). */
  unlabelled: string[];
  corrupt: string;
  orphan: string;
  missing: string;
  otherFile: string;
  malformedSource: string;
}

const annot = (code: string): string => `C-E1:\t${code};\t()\nC-E2:\t${code};\t()\nA-E1:\tval 3; act 3; dom  3;\t()`;

/** perEmotion clips of each 4-class emotion in session 5 (+2 in session 1, +2 'fru'). */
export function buildIemocapFixture(tmp: string, perEmotion = 3): IemocapFixture {
  const root = path.join(tmp, 'IEMOCAP_full_release');
  const rows = ravdessRows().filter((r) => r.split === 'test');
  const take = (emotion: string, n: number, skip = 0): Row[] => rows.filter((r) => r.emotion === emotion).slice(skip, skip + n);
  type Utt = { session: number; dialog: string; utt: string; code: string; source?: Row; t: number };
  const utts: Utt[] = [];
  const counters = new Map<string, number>();
  const add = (session: number, row: Row, code: string): Utt => {
    const g = row.gender === 'f' ? 'F' : 'M';
    const dialog = `Ses0${session}${g}_impro01`;
    const k = counters.get(dialog) ?? 0;
    counters.set(dialog, k + 1);
    const u: Utt = { session, dialog, utt: `${dialog}_${g}${String(k).padStart(3, '0')}`, code, source: row, t: 1 + k * 5 };
    utts.push(u);
    return u;
  };
  for (const [emotion, codes] of Object.entries(CODES)) {
    const n = emotion === 'calm' ? 2 : perEmotion;
    take(emotion, n).forEach((row, i) => add(5, row, codes[i % codes.length]!));
  }
  // Session 1: filtered out by the page's default (session 5) and by `msir eval --split test`.
  take('happy', 1, perEmotion).forEach((r) => add(1, r, 'hap'));
  take('sad', 1, perEmotion).forEach((r) => add(1, r, 'sad'));

  for (const u of utts) {
    const dir = path.join(root, `Session${u.session}`, 'sentences', 'wav', u.dialog);
    mkdirSync(dir, { recursive: true });
    execFileSync('sox', [path.join(RAVDESS, u.source!.file), '-b', '16', path.join(dir, `${u.utt}.wav`)]);
  }
  // Bad input, all in session 5, female dialog.
  const dialog = 'Ses05F_impro01';
  const wavDir = path.join(root, 'Session5', 'sentences', 'wav', dialog);
  mkdirSync(wavDir, { recursive: true });
  const corrupt = `${dialog}_F090`;
  // A RIFF header that promises far more data than follows.
  const bad = Buffer.alloc(64);
  bad.write('RIFF', 0);
  bad.writeUInt32LE(1_000_000, 4);
  bad.write('WAVEfmt ', 8);
  bad.write('garbage', 20);
  writeFileSync(path.join(wavDir, `${corrupt}.wav`), bad);
  const orphan = `${dialog}_F091`;
  execFileSync('sox', [path.join(RAVDESS, take('neutral', 1, perEmotion)[0]!.file), '-b', '16', path.join(wavDir, `${orphan}.wav`)]);
  const missing = `${dialog}_F092`;
  const otherFile = path.join(root, 'Session5', 'dialog', 'README.pdf');
  mkdirSync(path.dirname(otherFile), { recursive: true });
  writeFileSync(otherFile, '%PDF-1.4 not audio');

  const byDialog = new Map<string, string[]>();
  const push = (d: string, s: string): void => void byDialog.set(d, [...(byDialog.get(d) ?? []), s]);
  for (const u of utts) {
    push(u.dialog, `[${u.t.toFixed(4)} - ${(u.t + 3).toFixed(4)}]\t${u.utt}\t${u.code}\t[2.5000, 3.0000, 2.5000]\n${annot(u.code)}`);
  }
  push(dialog, `[200.0000 - 203.0000]\t${corrupt}\tang\t[2.0000, 4.0000, 4.0000]\n${annot('ang')}`);
  push(dialog, `[210.0000 - 213.0000]\t${missing}\tsad\t[2.0000, 2.0000, 2.0000]\n${annot('sad')}`);
  push(dialog, `[220.0000 - oops]\t${dialog}_F093\tneu\t[2.5, 2.5]`);
  let malformedSource = '';
  for (const [d, entries] of byDialog) {
    const session = Number(d.slice(4, 5));
    const dir = path.join(root, `Session${session}`, 'dialog', 'EmoEvaluation');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${d}.txt`);
    if (d === dialog) malformedSource = file;
    writeFileSync(file, `% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]\n\n${entries.join('\n\n')}\n`);
  }
  const s5 = utts.filter((u) => u.session === 5);
  return {
    root,
    scored: s5.filter((u) => u.code !== 'fru').map((u) => u.utt),
    unlabelled: s5.filter((u) => u.code === 'fru').map((u) => u.utt),
    corrupt,
    orphan,
    missing,
    otherFile,
    malformedSource,
  };
}
