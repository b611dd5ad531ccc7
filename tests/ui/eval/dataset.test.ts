import { describe, expect, it } from 'vitest';
import { zipSync, strToU8 } from 'fflate';
import { buildDataset, defaultSelection, selectItems, type LocalFile } from '../../../src/ui/eval/dataset.ts';
import { zipEntries, ZipError } from '../../../src/ui/eval/zip.ts';

const enc = new TextEncoder();
const file = (path: string, content: string | Uint8Array = 'RIFF'): LocalFile => {
  const bytes = typeof content === 'string' ? enc.encode(content) : content;
  return { path, size: bytes.length, read: async () => bytes };
};

const emo = (lines: string[]): string =>
  ['% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]', '', ...lines.flatMap((l) => [l, 'C-E1:\tNeutral;\t()', ''])].join('\n');

const line = (utt: string, code: string, t = 1): string => `[${t.toFixed(4)} - ${(t + 2).toFixed(4)}]\t${utt}\t${code}\t[2.5000, 3.0000, 3.5000]`;

function iemocapTree(): LocalFile[] {
  const s5 = 'corpus/Session5';
  const s1 = 'corpus/Session1';
  return [
    file(`${s5}/dialog/EmoEvaluation/Ses05F_impro01.txt`, emo([
      line('Ses05F_impro01_F000', 'neu'),
      line('Ses05F_impro01_M000', 'exc', 4),
      line('Ses05F_impro01_F001', 'fru', 7),
      line('Ses05F_impro01_M001', 'ang', 9),
      '[12.0 - oops]\tSes05F_impro01_F002\tsad\t[1, 2, 3]',
      line('Ses05F_impro01_F003', 'sad', 14),
    ])),
    file(`${s5}/sentences/wav/Ses05F_impro01/Ses05F_impro01_F000.wav`),
    file(`${s5}/sentences/wav/Ses05F_impro01/Ses05F_impro01_M000.wav`),
    file(`${s5}/sentences/wav/Ses05F_impro01/Ses05F_impro01_F001.wav`),
    file(`${s5}/sentences/wav/Ses05F_impro01/Ses05F_impro01_M001.wav`),
    // F003 has a label but no audio; X999 has audio but no label.
    file(`${s5}/sentences/wav/Ses05F_impro01/Ses05F_impro01_X999.wav`),
    file(`${s5}/dialog/transcriptions/Ses05F_impro01.txt`, 'Ses05F_impro01_F000 [006.2901-008.2357]: Excuse me.'),
    file(`${s5}/dialog/avi/DivX/Ses05F_impro01.avi`, 'not audio'),
    file(`${s1}/dialog/EmoEvaluation/Ses01F_impro01.txt`, emo([line('Ses01F_impro01_F000', 'hap')])),
    file(`${s1}/sentences/wav/Ses01F_impro01/Ses01F_impro01_F000.wav`),
  ];
}

describe('buildDataset: IEMOCAP release layout', () => {
  it('maps labels with exc → happy, lists unlabelled/unmatched/missing/other files, reports malformed lines', async () => {
    const d = await buildDataset(iemocapTree());
    expect(d.layout).toBe('iemocap');
    expect(d.sessions).toEqual([1, 5]);
    expect(d.labelFiles).toEqual([
      'corpus/Session1/dialog/EmoEvaluation/Ses01F_impro01.txt',
      'corpus/Session5/dialog/EmoEvaluation/Ses05F_impro01.txt',
    ]);
    const byId = new Map(d.items.map((it) => [it.clip.id, it.clip]));
    expect(byId.get('iemocap:Ses05F_impro01_M000')?.label).toBe('happy');
    expect(byId.get('iemocap:Ses05F_impro01_M000')?.emotion).toBe('exc');
    expect(byId.get('iemocap:Ses05F_impro01_F001')?.label).toBeNull();
    expect(byId.get('iemocap:Ses05F_impro01_F000')?.path).toBe('corpus/Session5/sentences/wav/Ses05F_impro01/Ses05F_impro01_F000.wav');
    expect(d.unmatchedAudio.map((f) => f.path)).toEqual(['corpus/Session5/sentences/wav/Ses05F_impro01/Ses05F_impro01_X999.wav']);
    expect(d.missingAudio.map((c) => c.id)).toEqual(['iemocap:Ses05F_impro01_F003']);
    expect(d.otherFiles.map((f) => f.path).sort()).toEqual([
      'corpus/Session5/dialog/avi/DivX/Ses05F_impro01.avi',
      'corpus/Session5/dialog/transcriptions/Ses05F_impro01.txt',
    ]);
    expect(d.issues).toHaveLength(1);
    expect(d.issues[0]!.message).toMatch(/malformed label line/);
    expect(d.issues[0]!.line).toBe(15); // header, blank, then 3 lines per entry
  });

  it('selects session 5 by default and scores only 4-class clips', async () => {
    const d = await buildDataset(iemocapTree());
    const sel = defaultSelection(d);
    expect(sel.session).toBe(5);
    const { labelled, unlabelled } = selectItems(d, sel);
    expect(labelled.map((it) => [it.clip.id, it.clip.label])).toEqual([
      ['iemocap:Ses05F_impro01_F000', 'neutral'],
      ['iemocap:Ses05F_impro01_M000', 'happy'],
      ['iemocap:Ses05F_impro01_M001', 'angry'],
    ]);
    expect(unlabelled.map((it) => it.clip.emotion)).toEqual(['fru']);
    expect(selectItems(d, { session: 'all', split: 'all' }).labelled).toHaveLength(4);
    expect(selectItems(d, { session: 1, split: 'all' }).labelled.map((it) => it.clip.label)).toEqual(['happy']);
  });

  it('matches loose files (no folders) by utterance id', async () => {
    const d = await buildDataset([
      file('Ses05M_script02_1.txt', emo([line('Ses05M_script02_1_F000', 'sad')])),
      file('Ses05M_script02_1_F000.wav'),
    ]);
    expect(d.layout).toBe('iemocap');
    expect(d.items.map((it) => [it.clip.label, it.file.path])).toEqual([['sad', 'Ses05M_script02_1_F000.wav']]);
  });
});

describe('buildDataset: shared layout and no layout', () => {
  const csv = [
    'file,corpus,speaker,gender,emotion,intensity,text,language,duration_s,split',
    'audio/a.flac,ravdess,r01,m,happy,normal,t,en,3.1,test',
    'audio/b.flac,ravdess,r01,m,calm,normal,t,en,3.1,test',
    'audio/c.flac,ravdess,r02,f,sad,normal,t,en,3.1,train',
    'audio/d.flac,ravdess,r02,f,angry,normal,t,en,3.1,test',
    'audio/e.flac,ravdess,r02,f,angry',
  ].join('\n');

  it('resolves files against the folder of metadata.csv and defaults to the test split', async () => {
    const d = await buildDataset([
      file('ravdess/metadata.csv', csv),
      file('ravdess/audio/a.flac'),
      file('ravdess/audio/b.flac'),
      file('ravdess/audio/c.flac'),
      file('ravdess/audio/extra.flac'),
      file('ravdess/README.md', '# hi'),
    ]);
    expect(d.layout).toBe('shared');
    expect(d.splits).toEqual(['train', 'test']);
    expect(d.items.map((it) => it.clip.id)).toEqual(['ravdess:audio/a.flac', 'ravdess:audio/b.flac', 'ravdess:audio/c.flac']);
    expect(d.missingAudio.map((c) => c.id)).toEqual(['ravdess:audio/d.flac']);
    expect(d.unmatchedAudio.map((f) => f.path)).toEqual(['ravdess/audio/extra.flac']);
    expect(d.otherFiles.map((f) => f.path)).toEqual(['ravdess/README.md']);
    expect(d.issues.map((i) => i.line)).toEqual([6]); // the short row
    const sel = defaultSelection(d);
    expect(sel.split).toBe('test');
    const { labelled, unlabelled } = selectItems(d, sel);
    expect(labelled.map((it) => it.clip.label)).toEqual(['happy']);
    expect(unlabelled.map((it) => it.clip.emotion)).toEqual(['calm']);
  });

  it('reports a metadata.csv without the needed columns instead of throwing', async () => {
    const d = await buildDataset([file('x/metadata.csv', 'name,mood\na.wav,happy\n'), file('x/a.wav')]);
    expect(d.layout).toBe('shared');
    expect(d.items).toHaveLength(0);
    expect(d.issues[0]!.message).toMatch(/no "file" column/);
    expect(d.unmatchedAudio).toHaveLength(1);
  });

  it('says so when no label file is present, and keeps the audio listed', async () => {
    const d = await buildDataset([file('a.wav'), file('notes.txt', 'hello')]);
    expect(d.layout).toBe('none');
    expect(d.issues[0]!.message).toMatch(/no label files/);
    expect(d.unmatchedAudio.map((f) => f.path)).toEqual(['a.wav']);
    expect(d.otherFiles.map((f) => f.path)).toEqual(['notes.txt']);
  });
});

describe('zipEntries', () => {
  it('lists entries without inflating them and inflates one on read', async () => {
    const zip = zipSync({
      'c/Session5/dialog/EmoEvaluation/Ses05F_impro01.txt': strToU8(emo([line('Ses05F_impro01_F000', 'neu')])),
      'c/Session5/sentences/wav/Ses05F_impro01/Ses05F_impro01_F000.wav': new Uint8Array([82, 73, 70, 70, 1, 2, 3]),
      'c/empty/': new Uint8Array(0),
    });
    const files = zipEntries(zip, 'set.zip/');
    expect(files.map((f) => f.path).sort()).toEqual([
      'set.zip/c/Session5/dialog/EmoEvaluation/Ses05F_impro01.txt',
      'set.zip/c/Session5/sentences/wav/Ses05F_impro01/Ses05F_impro01_F000.wav',
    ]);
    const wav = files.find((f) => f.path.endsWith('.wav'))!;
    expect(wav.size).toBe(7);
    expect(Array.from(await wav.read())).toEqual([82, 73, 70, 70, 1, 2, 3]);
    const d = await buildDataset(files);
    expect(d.items.map((it) => it.clip.label)).toEqual(['neutral']);
  });

  it('throws a ZipError for bytes that are not a zip', () => {
    expect(() => zipEntries(enc.encode('definitely not a zip archive at all'), 'bad.zip/')).toThrow(ZipError);
  });
});
