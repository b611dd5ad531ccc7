// Speaker normalisation on real clips: what the statistics are (active frames only, blended with the
// prior by frame count), and that the streaming, merged and global forms agree.
import { describe, expect, it, beforeAll } from 'vitest';
import { readAudioFile } from '../../src/audio/node.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import {
  checkSpec, fitSpeakerNormSpec, lldActivity, logmelActivity, LOGMEL_COLS, normaliseGlobal,
  SpeakerNormError, SpeakerStats, type SpeakerNormSpec,
} from '../../src/features/speaker-norm.ts';
import { LLD_DIMS, type Features } from '../../src/features/types.ts';
import type { Clip } from '../../src/eval/corpus/index.ts';
import { speakerNormalised } from '../../training/data/speaker-norm.ts';

const RAV = '../shared/corpora/ravdess/audio/Actor_01';
const files = ['03-01-01-01-01-01-01', '03-01-03-01-01-01-01', '03-01-04-01-01-01-01', '03-01-05-01-01-01-01'].map((n) => `${RAV}/${n}.flac`);

let clips: Features[] = [];
let audio: Float32Array[] = [];
const ex = new FeatureExtractor();

/** Column means/stds of a row-major matrix over the rows where mask is 1. */
function colStats(data: Float32Array, rows: number, d: number, mask: Uint8Array): { mean: number[]; std: number[] } {
  const mean = new Array<number>(d).fill(0);
  const sq = new Array<number>(d).fill(0);
  let n = 0;
  for (let t = 0; t < rows; t++) {
    if (!mask[t]) continue;
    n++;
    for (let c = 0; c < d; c++) mean[c]! += data[t * d + c]!;
  }
  for (let c = 0; c < d; c++) mean[c]! /= n;
  for (let t = 0; t < rows; t++) {
    if (!mask[t]) continue;
    for (let c = 0; c < d; c++) sq[c]! += (data[t * d + c]! - mean[c]!) ** 2;
  }
  return { mean, std: sq.map((s) => Math.sqrt(s / n)) };
}

beforeAll(async () => {
  audio = await Promise.all(files.map((f) => readAudioFile(f)));
  clips = audio.map((a) => ex.extract(a));
});

describe('speaker normalisation', () => {
  it('with no prior, a speaker\'s active frames come out with mean 0 and std 1 in every column', () => {
    const spec: SpeakerNormSpec = { ...fitSpeakerNormSpec(clips), priorFrames: 0 };
    const stats = new SpeakerStats(spec);
    for (const c of clips) stats.add(c);
    const out = clips.map((c) => stats.normalise(c));
    // pool the normalised active frames of all four clips
    const pool = (k: 'logmel' | 'lld'): { data: Float32Array; rows: number; mask: Uint8Array } => {
      const d = k === 'logmel' ? LOGMEL_COLS : LLD_DIMS;
      const rowsOf = (f: Features) => (k === 'logmel' ? f.logmelFrames : f.lldFrames);
      const rows = clips.reduce((s, f) => s + rowsOf(f), 0);
      const data = new Float32Array(rows * d);
      const mask = new Uint8Array(rows);
      let r = 0;
      clips.forEach((f, i) => {
        data.set(out[i]![k], r * d);
        mask.set(k === 'logmel' ? logmelActivity(f) : lldActivity(f), r);
        r += rowsOf(f);
      });
      return { data, rows, mask };
    };
    for (const [k, d] of [['logmel', LOGMEL_COLS], ['lld', LLD_DIMS]] as const) {
      const p = pool(k);
      const s = colStats(p.data, p.rows, d, p.mask);
      // columns that are constant in these clips keep the prior's scale and are skipped
      const live = s.std.map((_, c) => (spec.prior[k].std[c]! > 1e-5 ? c : -1)).filter((c) => c >= 0 && s.std[c]! > 1e-3);
      expect(live.length).toBeGreaterThan(d * 0.8);
      for (const c of live) {
        expect(Math.abs(s.mean[c]!)).toBeLessThan(1e-3);
        expect(Math.abs(s.std[c]! - 1)).toBeLessThan(1e-3);
      }
    }
  });

  it('counts only active frames: two seconds of added silence barely move the statistics', () => {
    const spec = fitSpeakerNormSpec(clips);
    const padded = new Float32Array(audio[0]!.length + 32000);
    padded.set(audio[0]!, 16000); // one second of digital silence either side
    for (let i = 0; i < padded.length; i++) padded[i]! += 1e-5 * Math.sin(i); // a faint noise floor, not digital zero
    const withSilence = ex.extract(padded);
    expect(logmelActivity(withSilence).reduce((a, b) => a + b, 0)).toBeLessThan(withSilence.logmelFrames - 150);
    const a = new SpeakerStats({ ...spec, priorFrames: 0 }).add(clips[0]!).current();
    const b = new SpeakerStats({ ...spec, priorFrames: 0 }).add(withSilence).current();
    // log-Mel means (column 0 of each band = static) within 0.1 of the clip's own std
    for (let band = 0; band < 40; band++) {
      const c = band * 2;
      expect(Math.abs(a.logmel.mean[c]! - b.logmel.mean[c]!)).toBeLessThan(0.1 * a.logmel.std[c]!);
    }
  });

  it('judges LLD frames by pcm_RMSenergy, like the log-Mel stream by its energy; a manifest without lldActivity keeps the old jitterLocal mask', () => {
    // Regression (fuzz gain-invariance, seed 19): the mask read column 2, jitterLocal_sma, not RMS energy.
    const count = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);
    for (const f of clips) {
      const lm = logmelActivity(f);
      const agree = (m: Uint8Array) => lm.slice(0, f.lldFrames).filter((v, t) => v === m[t]).length / Math.min(f.lldFrames, f.logmelFrames);
      expect(agree(lldActivity(f))).toBeGreaterThan(0.95); // measured 0.975–0.992 on these clips
      expect(agree(lldActivity(f, 30, 'jitterLocal'))).toBeLessThan(0.9); // measured 0.72–0.79: voiced frames only
      expect(count(lldActivity(f, 30, 'jitterLocal'))).toBeLessThan(0.7 * count(lldActivity(f)));
    }
    const spec = fitSpeakerNormSpec(clips);
    expect(spec.lldActivity).toBe('rmsEnergy');
    // A spec without the field (every manifest written before it) is the old mask, bit for bit.
    const { lldActivity: _, ...old } = spec;
    const a = new SpeakerStats(old).add(clips[0]!).normalise(clips[1]!);
    const b = new SpeakerStats({ ...spec, lldActivity: 'jitterLocal' }).add(clips[0]!).normalise(clips[1]!);
    const c = new SpeakerStats(spec).add(clips[0]!).normalise(clips[1]!);
    expect(Array.from(a.lld)).toEqual(Array.from(b.lld));
    expect(Array.from(a.lld)).not.toEqual(Array.from(c.lld));
    expect(Array.from(a.logmel)).toEqual(Array.from(c.logmel)); // the log-Mel stream never read the LLDs
    expect(() => checkSpec({ ...spec, lldActivity: 'rms' })).toThrow(/lldActivity/);
  });

  it('blends the prior by frame count: a huge prior gives the global normalisation, and moments merge like clips', () => {
    const spec = fitSpeakerNormSpec(clips);
    const g = normaliseGlobal(spec, clips[1]!);
    const heavy = new SpeakerStats({ ...spec, priorFrames: 1e9 }).add(clips[0]!).normalise(clips[1]!);
    for (let i = 0; i < g.lld.length; i += 97) expect(heavy.lld[i]!).toBeCloseTo(g.lld[i]!, 3);
    // streaming over clips = merging each clip's moments (how the evaluation page's workers do it)
    const direct = new SpeakerStats(spec);
    const merged = new SpeakerStats(spec);
    for (const c of clips) {
      direct.add(c);
      merged.addMoments(new SpeakerStats(spec).add(c).toMoments());
    }
    expect(merged.frames).toBe(direct.frames);
    const x = direct.normalise(clips[2]!);
    const y = merged.normalise(clips[2]!);
    for (let i = 0; i < x.logmel.length; i += 13) expect(y.logmel[i]!).toBeCloseTo(x.logmel[i]!, 4);
    // only the streams a model reads, and in place (the detector's path): same values, the rest empty
    const copy = { ...clips[2]!, logmel: clips[2]!.logmel.slice(), lld: clips[2]!.lld.slice() };
    const lldOnly = direct.normalise(copy, { logmel: false, inPlace: true });
    expect(lldOnly.lld).toBe(copy.lld);
    expect(lldOnly.lld).toEqual(x.lld);
    expect([lldOnly.logmel.length, lldOnly.logmelFrames]).toEqual([0, 0]);
    expect(copy.logmel).toEqual(clips[2]!.logmel);
    expect(direct.normalise(clips[2]!, { lld: false }).lldFrames).toBe(0);
    // reset returns to the prior alone
    merged.reset();
    const z = merged.normalise(clips[1]!);
    for (let i = 0; i < z.lld.length; i += 97) expect(z.lld[i]!).toBeCloseTo(g.lld[i]!, 4);
  });

  it('per speaker in training and msir eval (speakerNormalised): each speaker\'s own statistics, the prior for clips without a speaker or outside statsFrom', () => {
    const spec = fitSpeakerNormSpec(clips);
    const clip = (id: string, speaker: string): Clip => ({ id, path: id, corpus: 'c', speaker, emotion: 'neutral', label: 'neutral' });
    const cs = [clip('0', 'a'), clip('1', 'a'), clip('2', 'b'), clip('3', '')];
    const feats = new Map(cs.map((c, i) => [c.id, { features: clips[i]! }]));
    const out = speakerNormalised(spec, cs, feats);
    const a = new SpeakerStats(spec).add(clips[0]!).add(clips[1]!).normalise(clips[1]!);
    const b = new SpeakerStats(spec).add(clips[2]!).normalise(clips[2]!);
    const g = normaliseGlobal(spec, clips[3]!);
    expect(Array.from(out.get('1')!.features.lld.subarray(0, 50))).toEqual(Array.from(a.lld.subarray(0, 50)));
    expect(Array.from(out.get('2')!.features.logmel.subarray(0, 50))).toEqual(Array.from(b.logmel.subarray(0, 50)));
    expect(Array.from(out.get('3')!.features.lld.subarray(0, 50))).toEqual(Array.from(g.lld.subarray(0, 50)));
    // statistics from other clips only (msir eval: a speaker's scored clips; 'global': none at all)
    const none = speakerNormalised(spec, cs, feats, []);
    expect(Array.from(none.get('1')!.features.lld.subarray(0, 50))).toEqual(Array.from(normaliseGlobal(spec, clips[1]!).lld.subarray(0, 50)));
    expect(feats.get('1')!.features).toBe(clips[1]); // the input map is left as it was
  });

  it('rejects a broken spec and mismatched features with a clear error', () => {
    const spec = fitSpeakerNormSpec(clips);
    expect(() => checkSpec({ ...spec, priorFrames: -1 })).toThrow(/priorFrames/);
    expect(() => checkSpec({ ...spec, prior: { ...spec.prior, lld: { mean: [0], std: [1] } } })).toThrow(/prior\.lld/);
    expect(() => checkSpec(null)).toThrow(SpeakerNormError);
    const bad: Features = { ...clips[0]!, lldFrames: clips[0]!.lldFrames + 1 };
    expect(() => new SpeakerStats(spec).add(bad)).toThrow(/LLD has/);
    expect(() => fitSpeakerNormSpec([])).toThrow(/zero clips/);
  });
});
