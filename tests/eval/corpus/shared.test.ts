import { describe, expect, it } from 'vitest';
import { CorpusError, fourClassLabel, parseCsv, parseSharedMetadata } from '../../../src/eval/corpus/index.ts';

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, CRLF, BOM and blank lines', () => {
    const rows = parseCsv('\ufeffa,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"multi\nline",z');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 4, fields: ['2', 'multi\nline', 'z'] },
    ]);
  });
});

describe('fourClassLabel', () => {
  it('maps the paper protocol and nothing else', () => {
    expect(fourClassLabel('neutral')).toBe('neutral');
    expect(fourClassLabel('neu')).toBe('neutral');
    expect(fourClassLabel('hap')).toBe('happy');
    expect(fourClassLabel('exc')).toBe('happy');
    expect(fourClassLabel('Happy')).toBe('happy');
    expect(fourClassLabel('sad')).toBe('sad');
    expect(fourClassLabel('ang')).toBe('angry');
    for (const other of ['calm', 'boredom', 'fru', 'fearful', 'surprised', 'xxx', '']) expect(fourClassLabel(other)).toBeNull();
  });
});

describe('parseSharedMetadata', () => {
  const csv = [
    'file,corpus,speaker,gender,emotion,intensity,text,language,duration_s,split',
    'audio/a.flac,toy,toy01,m,happy,,t1,en,1.0,train',
    'audio/b.flac,toy,toy01,m,calm,,t1,en,1.0,val',
    'audio/c.flac,toy,toy02,f,gleeful,,"t, 2",en,1.0,test',
    'audio/d.flac,toy,toy02,f,angry,,t3,en,1.0,',
    'audio/e.flac,toy,toy02,f,sad,,t3,en',
    'audio/a.flac,toy,toy01,m,happy,,t1,en,1.0,train',
  ].join('\n');

  it('lists every clip, unknown emotions with label null, and reports bad rows', () => {
    const { clips, issues } = parseSharedMetadata(csv, { root: '/data/toy' });
    expect(clips.map((c) => [c.id, c.label, c.split])).toEqual([
      ['toy:audio/a.flac', 'happy', 'train'],
      ['toy:audio/b.flac', null, 'val'],
      ['toy:audio/c.flac', null, 'test'],
      ['toy:audio/d.flac', 'angry', undefined],
    ]);
    expect(clips[0]).toMatchObject({ path: '/data/toy/audio/a.flac', corpus: 'toy', speaker: 'toy01', emotion: 'happy' });
    expect(clips[1].emotion).toBe('calm');
    expect(issues.map((i) => i.line)).toEqual([6, 7]);
    expect(issues[0].message).toMatch(/expected 10 fields, found 8/);
    expect(issues[1].message).toMatch(/duplicate/);
  });

  it('works without split, corpus and speaker columns', () => {
    const { clips } = parseSharedMetadata('emotion,file\nneutral,x.wav\nboredom,y.wav\n', { name: 'mine', root: 'http://h/c/' });
    expect(clips).toEqual([
      { id: 'mine:x.wav', path: 'http://h/c/x.wav', corpus: 'mine', speaker: 'mine-unknown', emotion: 'neutral', label: 'neutral' },
      { id: 'mine:y.wav', path: 'http://h/c/y.wav', corpus: 'mine', speaker: 'mine-unknown', emotion: 'boredom', label: null },
    ]);
    expect(clips[0].split).toBeUndefined();
  });

  it('fails with a typed error on a missing column or no rows', () => {
    expect(() => parseSharedMetadata('file,speaker\na.wav,s1\n')).toThrow(CorpusError);
    expect(() => parseSharedMetadata('file,speaker\na.wav,s1\n')).toThrow(/no "emotion" column/);
    try {
      parseSharedMetadata('');
    } catch (e) {
      expect((e as CorpusError).code).toBe('empty');
    }
    expect(() => parseSharedMetadata('file,emotion\n')).toThrow(/no clips/);
  });
});
