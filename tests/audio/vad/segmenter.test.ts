import { describe, expect, it } from 'vitest';
import { Segmenter, type SegmentEvent } from '../../../src/audio/vad/segmenter.ts';

const FRAME = 512;
const msFrames = (ms: number): number => Math.round((ms * 16) / FRAME);

function run(probs: number[], opts = {}): SegmentEvent[] {
  const s = new Segmenter(opts);
  const out: SegmentEvent[] = [];
  for (const p of probs) out.push(...s.push(p));
  out.push(...s.flush());
  return out;
}

const seq = (...parts: Array<[number, number]>): number[] => parts.flatMap(([p, n]) => Array<number>(n).fill(p));

describe('Segmenter', () => {
  it('cuts one utterance with pre-pad, hangover and post-pad', () => {
    const ev = run(seq([0.05, 30], [0.9, 60], [0.05, 40]), { redemptionMs: 480, preSpeechPadMs: 192, postSpeechPadMs: 96 });
    const ends = ev.filter((e) => e.type === 'end');
    expect(ev[0]).toEqual({ type: 'start', startSample: (30 - msFrames(192)) * FRAME });
    expect(ends).toHaveLength(1);
    const end = ends[0]!;
    if (end.type !== 'end') throw new Error('unreachable');
    expect(end.startSample).toBe((30 - msFrames(192)) * FRAME);
    expect(end.endSample).toBe((90 + msFrames(96)) * FRAME);
    expect(end.forced).toBe(false);
  });

  it('bridges pauses shorter than the hangover, splits at longer ones', () => {
    const short = run(seq([0.9, 20], [0.1, msFrames(480) - 2], [0.9, 20], [0.1, 40]), { redemptionMs: 480 });
    expect(short.filter((e) => e.type === 'end')).toHaveLength(1);
    const long = run(seq([0.9, 20], [0.1, msFrames(480) + 2], [0.9, 20], [0.1, 40]), { redemptionMs: 480 });
    expect(long.filter((e) => e.type === 'end')).toHaveLength(2);
  });

  it('does not count frames between the thresholds as silence', () => {
    const ev = run(seq([0.9, 20], [0.4, 100], [0.1, 40]), { redemptionMs: 480, positiveThreshold: 0.5, negativeThreshold: 0.35 });
    const end = ev.find((e) => e.type === 'end');
    expect(end && end.type === 'end' && end.endSample).toBeGreaterThan(120 * FRAME);
  });

  it('reports bursts shorter than minSpeechMs as misfires', () => {
    const ev = run(seq([0.1, 10], [0.9, 3], [0.1, 40]), { minSpeechMs: 250 });
    expect(ev.map((e) => e.type)).toEqual(['start', 'misfire']);
  });

  it('force-cuts long speech at maxUtteranceMs and continues with a new utterance', () => {
    const ev = run(seq([0.9, 700], [0.1, 40]), { maxUtteranceMs: 10_000, preSpeechPadMs: 0 });
    const ends = ev.filter((e): e is Extract<SegmentEvent, { type: 'end' }> => e.type === 'end');
    expect(ends.length).toBe(3);
    expect(ends[0]!.forced).toBe(true);
    expect(ends[0]!.endSample - ends[0]!.startSample).toBe(msFrames(10_000) * FRAME);
    expect(ends[1]!.startSample).toBe(ends[0]!.endSample);
    expect(ends[2]!.forced).toBe(false);
  });

  it('closes an open utterance on flush and rejects inverted thresholds', () => {
    const ev = run(seq([0.9, 30]));
    expect(ev.at(-1)?.type).toBe('end');
    expect(() => new Segmenter({ positiveThreshold: 0.3, negativeThreshold: 0.5 })).toThrow(RangeError);
  });

  it('announces a candidate end after the tail pad, confirmed by the end event with the same samples', () => {
    const s = new Segmenter({ redemptionMs: 480, postSpeechPadMs: 96 });
    const log: Array<{ frame: number; ev: SegmentEvent }> = [];
    seq([0.05, 10], [0.9, 40], [0.05, 40]).forEach((p, frame) => s.push(p).forEach((ev) => log.push({ frame, ev })));
    const cand = log.find((l) => l.ev.type === 'candidate')!;
    const end = log.find((l) => l.ev.type === 'end')!;
    expect(cand.frame).toBe(50 + msFrames(96)); // 96 ms of quiet after the last speech frame (49)
    expect(end.frame).toBe(49 + msFrames(480));
    expect(cand.frame).toBeLessThan(end.frame);
    if (cand.ev.type !== 'candidate' || end.ev.type !== 'end') throw new Error('unreachable');
    expect([cand.ev.startSample, cand.ev.endSample]).toEqual([end.ev.startSample, end.ev.endSample]);
    // Speech resuming inside the hangover voids the candidate: the final end is later.
    const s2 = new Segmenter({ redemptionMs: 480, postSpeechPadMs: 96 });
    const ev2 = seq([0.9, 40], [0.05, 8], [0.9, 20], [0.05, 40]).flatMap((p) => s2.push(p));
    const cands = ev2.filter((e) => e.type === 'candidate');
    const ends = ev2.filter((e): e is Extract<SegmentEvent, { type: 'end' }> => e.type === 'end');
    expect(cands).toHaveLength(2);
    expect(ends).toHaveLength(1);
    expect(cands[0]!.type === 'candidate' && cands[0]!.endSample).toBeLessThan(ends[0]!.endSample);
    expect(cands[1]).toEqual({ type: 'candidate', startSample: ends[0]!.startSample, endSample: ends[0]!.endSample });
  });
});
