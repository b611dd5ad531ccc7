import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/eval/metrics.ts';
import type { Clip } from '../../../src/eval/corpus/index.ts';
import type { Emotion } from '../../../src/model/emotions.ts';
import { reportOf, resultsToCsv, resultsToJson } from '../../../src/ui/eval/export.ts';
import { downsample } from '../../../src/ui/eval/protocol.ts';
import type { ClipResult } from '../../../src/ui/eval/runner.ts';

const clip = (id: string, label: Emotion | null, emotion = label ?? 'fru'): Clip => ({
  id,
  path: `dir/${id}.wav`,
  corpus: 'iemocap',
  speaker: 's',
  emotion,
  label,
  session: 5,
});
const ok = (id: string, label: Emotion | null, p: number[]): ClipResult => ({
  item: { clip: clip(id, label), file: { path: `dir/${id}.wav`, size: 1, read: async () => new Uint8Array(1) } },
  status: 'ok',
  outcome: { probabilities: p, attention: {}, durationSec: 2.5, timings: { decodeMs: 1, featuresMs: 1, sslMs: 0, modelMs: 1 }, tensors: 10 },
});

const thresholds = [0.5, 0.4, 0.5, 0.6];
const results: ClipResult[] = [
  ok('a', 'happy', [0.9, 0.1, 0.1, 0.2]),
  ok('b', 'neutral', [0.2, 0.45, 0.1, 0.1]),
  ok('c', 'sad', [0.1, 0.5, 0.4, 0.1]),
  ok('d', 'angry', [0.6, 0.1, 0.1, 0.59]),
  {
    item: { clip: clip('e,"odd"', 'angry'), file: { path: 'dir/e.wav', size: 1, read: async () => new Uint8Array(1) } },
    status: 'error',
    error: { code: 'decode-failed', message: 'bad, very bad' },
  },
  { ...ok('f', null, [0.1, 0.1, 0.1, 0.1]) },
];

describe('reportOf', () => {
  it('scores only clips that ran and carry a 4-class label, exactly as evaluate()', () => {
    const report = reportOf(results, thresholds)!;
    const expected = evaluate(
      [results[0]!, results[1]!, results[2]!, results[3]!].map((r) => r.outcome!.probabilities),
      ['happy', 'neutral', 'sad', 'angry'],
      thresholds,
    );
    expect(report).toEqual(expected);
    expect(report.n).toBe(4);
    expect(report.perEmotion.happy.confusion).toEqual([[2, 1], [0, 1]]);
    expect(report.perEmotion.angry.tp).toBe(0);
  });

  it('is null when nothing could be scored', () => {
    expect(reportOf([results[4]!], thresholds)).toBeNull();
  });
});

describe('exports', () => {
  it('CSV has one row per clip, quotes fields with commas/quotes, marks decisions', () => {
    const csv = resultsToCsv(results, thresholds).trimEnd().split('\r\n');
    expect(csv).toHaveLength(results.length + 1);
    expect(csv[0]).toBe(
      'id,path,corpus,session,speaker,emotion,label,status,p_happy,p_neutral,p_sad,p_angry,positive_happy,positive_neutral,positive_sad,positive_angry,duration_s,error',
    );
    expect(csv[2]).toBe('b,dir/b.wav,iemocap,5,s,neutral,neutral,ok,0.2,0.45,0.1,0.1,0,1,0,0,2.5,');
    expect(csv[5]).toBe('"e,""odd""","dir/e,""odd"".wav",iemocap,5,s,angry,angry,error,,,,,,,,,,"decode-failed: bad, very bad"');
  });

  it('JSON carries model, report and per-clip decisions', () => {
    const model = { name: 'm', arch: 'msir', branches: ['cr', 'lld'], thresholds, backend: 'cpu', backendNotes: [], speakerNormalisation: false };
    const j = resultsToJson(results, model, { session: 5 }, [{ source: 'x.txt', line: 3, message: 'malformed' }]);
    expect(j.report?.n).toBe(4);
    expect(j.clips).toHaveLength(6);
    expect(j.clips[1]!.positive).toEqual({ happy: false, neutral: true, sad: false, angry: false });
    expect(j.clips[4]!.error?.code).toBe('decode-failed');
    expect(JSON.parse(JSON.stringify(j)).problems[0].line).toBe(3);
  });
});

describe('downsample', () => {
  it('averages into bins and keeps short series as they are', () => {
    expect(Array.from(downsample(Float32Array.from([1, 2, 3]), 5))).toEqual([1, 2, 3]);
    expect(Array.from(downsample(Float32Array.from([1, 3, 5, 7, 9, 11]), 3))).toEqual([2, 6, 10]);
    const long = downsample(new Float32Array(1001).fill(0.25), 200);
    expect(long).toHaveLength(200);
    expect(long.every((v) => Math.abs(v - 0.25) < 1e-7)).toBe(true);
  });
});
