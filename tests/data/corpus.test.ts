import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CorpusIssue } from '../../src/eval/corpus/index.ts';
import { detectLayout, labelled, loadCorpora, loadCorpus, selectSplit } from '../../training/data/corpus.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const shared = path.resolve(repoRoot, '../shared');
const tmp = mkdtempSync(path.join(tmpdir(), 'msir-corpus-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('loadCorpus on the shared corpora', () => {
  it('loads RAVDESS + EmoDB with their splits; the 4-class test subset has 241 clips', async () => {
    const clips = await loadCorpora([path.join(shared, 'corpora/ravdess'), path.join(shared, 'corpora/emodb')]);
    expect(clips).toHaveLength(1440 + 535);
    expect(path.isAbsolute(clips[0].path)).toBe(true);
    const test = labelled(selectSplit(clips, 'test'));
    expect(test).toHaveLength(241);
    const counts = Object.fromEntries(['happy', 'neutral', 'sad', 'angry'].map((e) => [e, test.filter((c) => c.label === e).length]));
    expect(counts).toEqual({ happy: 65, neutral: 40, sad: 61, angry: 75 });
    expect(clips.filter((c) => c.emotion === 'calm').every((c) => c.label === null)).toBe(true);
  });
});

describe('loadCorpus on a synthetic IEMOCAP tree', () => {
  // Release layout with empty placeholder wavs (no IEMOCAP audio exists here).
  const root = path.join(tmp, 'IEMOCAP_full_release');
  const utt = (s: number, dialog: string, id: string, emo: string, t: number): string => {
    const wavDir = path.join(root, `Session${s}`, 'sentences', 'wav', dialog);
    mkdirSync(wavDir, { recursive: true });
    writeFileSync(path.join(wavDir, `${id}.wav`), '');
    return `[${t.toFixed(4)} - ${(t + 1.5).toFixed(4)}]\t${id}\t${emo}\t[2.5000, 2.5000, 2.5000]`;
  };
  const dialogs: Array<[number, string, string[]]> = [];
  for (let s = 1; s <= 5; s++) {
    const g = s % 2 ? 'F' : 'M';
    const d = `Ses0${s}${g}_impro01`;
    const lines = [
      '% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]',
      utt(s, d, `${d}_F000`, 'neu', 1),
      'C-E1:\tNeutral;\t()',
      utt(s, d, `${d}_M000`, 'exc', 3),
      utt(s, d, `${d}_F001`, 'hap', 5),
      utt(s, d, `${d}_M001`, 'sad', 7),
      utt(s, d, `${d}_F002`, 'ang', 9),
      utt(s, d, `${d}_M002`, 'fru', 11),
      utt(s, d, `${d}_F003`, 'xxx', 13),
    ];
    if (s === 2) lines.push('[12.0 - ]\tSes02M_impro01_F009\tneu\t[2.5, 2.5, 2.5]');
    if (s === 3) lines.push(`[20.0000 - 21.0000]\t${d}_F009\tneu\t[2.5000, 2.5000, 2.5000]`); // no wav
    dialogs.push([s, d, lines]);
  }
  for (const [s, d, lines] of dialogs) {
    const dir = path.join(root, `Session${s}`, 'dialog', 'EmoEvaluation');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${d}.txt`), lines.join('\n') + '\n');
  }

  it('detects the layout, maps 4 classes, splits sessions 1–4 / 5, reports problems', async () => {
    expect(detectLayout(root)).toBe('iemocap');
    const issues: CorpusIssue[] = [];
    const clips = await loadCorpus(root, { onIssue: (i) => issues.push(i) });
    expect(clips).toHaveLength(5 * 5);
    expect(clips.filter((c) => c.split === 'test').every((c) => c.session === 5)).toBe(true);
    expect(clips.filter((c) => c.split === 'train')).toHaveLength(20);
    expect(clips.filter((c) => c.label === 'happy')).toHaveLength(10);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatchObject({ line: 10, message: expect.stringMatching(/malformed/) });
    expect(issues[1].message).toMatch(/audio file missing/);
    const c = clips.find((x) => x.id === 'iemocap:Ses01F_impro01_M000');
    expect(c).toMatchObject({ label: 'happy', emotion: 'exc', speaker: 'iemocap01M', path: path.join(root, 'Session1/sentences/wav/Ses01F_impro01/Ses01F_impro01_M000.wav') });
  });

  it('filters sessions', async () => {
    const clips = await loadCorpus(root, { sessions: [5], onIssue: () => {} });
    expect(new Set(clips.map((c) => c.session))).toEqual(new Set([5]));
  });
});

describe('loadCorpus errors and cross-corpus use', () => {
  it('fails clearly on unknown folders', async () => {
    await expect(loadCorpus(path.join(tmp, 'nope'))).rejects.toThrow(/not found/);
    mkdirSync(path.join(tmp, 'empty'));
    await expect(loadCorpus(path.join(tmp, 'empty'))).rejects.toThrow(/neither metadata.csv/);
  });

  it('refuses the same corpus twice', async () => {
    const dir = path.join(shared, 'corpora/emodb');
    await expect(loadCorpora([dir, dir])).rejects.toMatchObject({ code: 'duplicate' });
  });

  it('evaluates a corpus without a split column whole', async () => {
    const dir = path.join(tmp, 'nosplit');
    mkdirSync(path.join(dir, 'audio'), { recursive: true });
    writeFileSync(path.join(dir, 'audio/x.flac'), '');
    writeFileSync(path.join(dir, 'audio/y.flac'), '');
    writeFileSync(path.join(dir, 'metadata.csv'), 'file,speaker,emotion\naudio/x.flac,s1,angry\naudio/y.flac,s2,contempt\naudio/z.flac,s2,sad\n');
    const issues: CorpusIssue[] = [];
    const clips = await loadCorpus(dir, { onIssue: (i) => issues.push(i) });
    expect(clips.map((c) => c.id)).toEqual(['nosplit:audio/x.flac', 'nosplit:audio/y.flac']);
    expect(issues[0].message).toMatch(/missing/);
    expect(selectSplit(clips, 'test')).toHaveLength(2);
    expect(labelled(selectSplit(clips, 'test')).map((c) => c.label)).toEqual(['angry']);
  });
});
