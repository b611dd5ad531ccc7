// IEMOCAP's release layout: Session{n}/sentences/wav/<dialog>/<utt>.wav, labels per dialog in
// Session{n}/dialog/EmoEvaluation/<dialog>.txt. Pure: takes file texts, so browser and Node share it.
// Paper protocol: neu, hap+exc → happy, sad, ang (5531 utterances); sessions 1–4 train, 5 test.
import { fourClassLabel } from './labels.ts';
import { joinPath, type Clip, type CorpusIssue, type ParsedCorpus } from './types.ts';

export interface EmoEvaluationEntry {
  utterance: string;
  dialog: string;
  session: number;
  /** Consensus category code as written: neu, hap, exc, sad, ang, fru, sur, fea, dis, oth, xxx. */
  emotion: string;
  startSec: number;
  endSec: number;
  /** Valence, activation, dominance (1–5). */
  vad: [number, number, number];
}

// e.g. "[6.2901 - 8.2357]\tSes01F_impro01_F000\tneu\t[2.5000, 2.5000, 2.5000]"
const LINE =
  /^\[\s*([\d.]+)\s*-\s*([\d.]+)\s*\]\s+(Ses(\d{2})[MF]_\S+?)\s+([A-Za-z]+)\s+\[\s*([-\d.]+)\s*,\s*([-\d.]+)\s*,\s*([-\d.]+)\s*\]\s*$/;

/**
 * Parse one EmoEvaluation/<dialog>.txt. Only the per-utterance summary lines (starting with '[') are
 * labels; annotator detail lines (C-E1:, A-E2:, …) and the header are skipped silently. A '[' line
 * that does not parse is reported as an issue and skipped.
 */
export function parseEmoEvaluation(text: string, source = 'EmoEvaluation'): { entries: EmoEvaluationEntry[]; issues: CorpusIssue[] } {
  const entries: EmoEvaluationEntry[] = [];
  const issues: CorpusIssue[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw.startsWith('[')) continue;
    const m = LINE.exec(raw);
    if (!m) {
      issues.push({ source, line: i + 1, message: `malformed label line: "${raw.slice(0, 80)}"` });
      continue;
    }
    const utterance = m[3];
    const startSec = Number(m[1]);
    const endSec = Number(m[2]);
    const vad: [number, number, number] = [Number(m[6]), Number(m[7]), Number(m[8])];
    if (![startSec, endSec, ...vad].every(Number.isFinite) || endSec < startSec) {
      issues.push({ source, line: i + 1, message: `bad numbers in label line: "${raw.slice(0, 80)}"` });
      continue;
    }
    // The dialog is the utterance id without its last "_<speaker><index>" part.
    const cut = utterance.lastIndexOf('_');
    entries.push({
      utterance,
      dialog: utterance.slice(0, cut),
      session: Number(m[4]),
      emotion: m[5].toLowerCase(),
      startSec,
      endSec,
      vad,
    });
  }
  return { entries, issues };
}

export interface IemocapOptions {
  /** IEMOCAP root (folder holding Session1..5), Node path or URL; '' keeps paths relative. */
  root?: string;
  /** Keep only these sessions (default all). */
  sessions?: number[];
  /** Session held out for test (default 5); the others are train. */
  testSession?: number;
  /** Keep clips outside the 4-class protocol (label null) too; default false (paper protocol). */
  includeUnlabelled?: boolean;
}

/** Turn parsed EmoEvaluation entries into Clips under the paper's protocol. */
export function iemocapClips(entries: EmoEvaluationEntry[], opts: IemocapOptions = {}): Clip[] {
  const testSession = opts.testSession ?? 5;
  const sessions = opts.sessions ? new Set(opts.sessions) : null;
  const clips: Clip[] = [];
  for (const e of entries) {
    if (sessions && !sessions.has(e.session)) continue;
    const label = fourClassLabel(e.emotion);
    if (!label && !opts.includeUnlabelled) continue;
    const rel = `Session${e.session}/sentences/wav/${e.dialog}/${e.utterance}.wav`;
    // Speaker: session + the gender letter of the utterance's own speaker (last part, e.g. F000).
    const who = e.utterance.slice(e.utterance.lastIndexOf('_') + 1, e.utterance.lastIndexOf('_') + 2);
    clips.push({
      id: `iemocap:${e.utterance}`,
      path: joinPath(opts.root ?? '', rel),
      corpus: 'iemocap',
      speaker: `iemocap${String(e.session).padStart(2, '0')}${who}`,
      emotion: e.emotion,
      label,
      split: e.session === testSession ? 'test' : 'train',
      session: e.session,
    });
  }
  return clips;
}

/** Parse every EmoEvaluation file of an IEMOCAP tree (texts supplied by the caller). */
export function parseIemocap(files: Array<{ source: string; text: string }>, opts: IemocapOptions = {}): ParsedCorpus {
  const all: EmoEvaluationEntry[] = [];
  const issues: CorpusIssue[] = [];
  for (const f of files) {
    const r = parseEmoEvaluation(f.text, f.source);
    all.push(...r.entries);
    issues.push(...r.issues);
  }
  return { clips: iemocapClips(all, opts), issues };
}
