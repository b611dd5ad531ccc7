import { describe, expect, it } from 'vitest';
import { iemocapClips, parseEmoEvaluation, parseIemocap } from '../../../src/eval/corpus/index.ts';

// The shape of a real EmoEvaluation file: header, summary '[' lines, annotator detail lines.
const DIALOG = [
  '% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]',
  '',
  '[6.2901 - 8.2357]\tSes01F_impro01_F000\tneu\t[2.5000, 2.5000, 2.5000]',
  'C-E2:\tNeutral;\t()',
  'C-E3:\tNeutral;\t()',
  'A-E3:\tval 3; act 2; dom  2;\t()',
  '',
  '[10.0100 - 11.3925]\tSes01F_impro01_F001\texc\t[3.5000, 3.0000, 3.0000]',
  '[14.8872 - 18.0175]\tSes01F_impro01_M000\tfru\t[2.5000, 3.5000, 3.5000]',
  '[20.1 - 22.0]\tSes01F_impro01_M001\tang\t[1.5000, 4.0000, 4.5000]',
  '[oops]\tSes01F_impro01_M002\tsad',
  '[24.0 - 25.5]\tSes01F_impro01_M003\thap\t[4.0, 3.0, 3.0]',
].join('\n');

describe('parseEmoEvaluation', () => {
  it('reads summary lines, skips annotator lines, reports malformed ones', () => {
    const { entries, issues } = parseEmoEvaluation(DIALOG, 'Ses01F_impro01.txt');
    expect(entries).toHaveLength(5);
    expect(entries[0]).toEqual({
      utterance: 'Ses01F_impro01_F000',
      dialog: 'Ses01F_impro01',
      session: 1,
      emotion: 'neu',
      startSec: 6.2901,
      endSec: 8.2357,
      vad: [2.5, 2.5, 2.5],
    });
    expect(entries.map((e) => e.emotion)).toEqual(['neu', 'exc', 'fru', 'ang', 'hap']);
    expect(issues).toEqual([{ source: 'Ses01F_impro01.txt', line: 11, message: expect.stringMatching(/malformed/) }]);
  });

  it('handles script dialogs whose names contain underscores', () => {
    const { entries } = parseEmoEvaluation('[1.0 - 2.0]\tSes05M_script01_1b_F012\tsad\t[2.0, 2.0, 2.0]');
    expect(entries[0]).toMatchObject({ dialog: 'Ses05M_script01_1b', session: 5, utterance: 'Ses05M_script01_1b_F012' });
  });
});

describe('iemocapClips', () => {
  const s1 = parseEmoEvaluation(DIALOG).entries;
  const s5 = parseEmoEvaluation('[1.0 - 2.0]\tSes05M_script01_1b_F012\tsad\t[2.0, 2.0, 2.0]').entries;

  it('applies the 4-class protocol (hap+exc → happy) and the session split', () => {
    const clips = iemocapClips([...s1, ...s5], { root: '/iemocap' });
    expect(clips.map((c) => [c.id, c.label, c.split, c.session])).toEqual([
      ['iemocap:Ses01F_impro01_F000', 'neutral', 'train', 1],
      ['iemocap:Ses01F_impro01_F001', 'happy', 'train', 1],
      ['iemocap:Ses01F_impro01_M001', 'angry', 'train', 1],
      ['iemocap:Ses01F_impro01_M003', 'happy', 'train', 1],
      ['iemocap:Ses05M_script01_1b_F012', 'sad', 'test', 5],
    ]);
    expect(clips[0].path).toBe('/iemocap/Session1/sentences/wav/Ses01F_impro01/Ses01F_impro01_F000.wav');
    expect(clips[1].emotion).toBe('exc');
    expect(clips[2].speaker).toBe('iemocap01M');
    expect(clips[4].speaker).toBe('iemocap05F');
  });

  it('filters sessions and can keep out-of-protocol clips', () => {
    expect(iemocapClips([...s1, ...s5], { sessions: [5] }).map((c) => c.id)).toEqual(['iemocap:Ses05M_script01_1b_F012']);
    const all = iemocapClips(s1, { includeUnlabelled: true });
    expect(all.find((c) => c.emotion === 'fru')?.label).toBeNull();
  });

  it('parseIemocap pools files and their issues', () => {
    const r = parseIemocap([
      { source: 'a.txt', text: DIALOG },
      { source: 'b.txt', text: '[x - y]\tSes05M_script01_1b_F012\tsad\t[2, 2, 2]' },
    ]);
    expect(r.clips).toHaveLength(4);
    expect(r.issues.map((i) => i.source)).toEqual(['a.txt', 'b.txt']);
  });
});
