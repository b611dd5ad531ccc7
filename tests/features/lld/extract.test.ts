// extractLld against openSMILE 3.0.2 (ComParE_2016) on every shared reference clip: groups A and B
// (columns 7–65) and their deltas, plus row count, frame times, names and input validation.
import { describe, expect, it } from 'vitest';
import { AudioError } from '../../../src/audio/errors.ts';
import { extractLld, lldFrameTimes } from '../../../src/features/lld/index.ts';
import { LLD_ALL_NAMES, LLD_CSV_NAMES, LLD_DELTA2_NAMES } from '../../../src/features/lld/names.ts';
import { LLD_DIMS } from '../../../src/features/types.ts';
import { listReferenceClips, readLldCsv, readPcm16Wav } from './reference.ts';

const CSV_COLS = 130;
/** 0-based CSV columns of groups A and B (LLD 7–65) and their deltas. */
const AB_COLS = [...range(6, 65), ...range(71, 130)];

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

/** Worst |ours − openSMILE| per column relative to the tolerance. The tolerance is 1e-3 × the column's range in the
 *  file, plus the CSV's own print precision (7 significant digits: 1e-6 × |value|), without which a constant
 *  column (range 0) or a near-constant one (a steady tone) could only be matched to digits the file doesn't hold. */
function compare(ours: Float32Array, ref: Float64Array, rows: number): Array<{ col: number; row: number; ratio: number }> {
  const out = [];
  for (const c of AB_COLS) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < rows; r++) {
      const v = ref[r * CSV_COLS + c]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    let worst = { col: c, row: -1, ratio: 0 };
    for (let r = 0; r < rows; r++) {
      const want = ref[r * CSV_COLS + c]!;
      const diff = Math.abs(ours[r * LLD_DIMS + c]! - want);
      const tol = 1e-3 * (hi - lo) + 1e-6 * Math.abs(want) + 1e-30;
      if (diff / tol > worst.ratio) worst = { col: c, row: r, ratio: diff / tol };
    }
    out.push(worst);
  }
  return out;
}

describe('extractLld vs openSMILE ComParE_2016, groups A and B', () => {
  for (const clip of listReferenceClips()) {
    it(`${clip.set}/${clip.name}`, () => {
      const ref = readLldCsv(clip.csv);
      const { data, rows } = extractLld(readPcm16Wav(clip.wav));
      expect(rows).toBe(ref.rows);
      expect(data.length).toBe(rows * LLD_DIMS);
      expect(data.every(Number.isFinite)).toBe(true);
      const times = lldFrameTimes(rows);
      for (let r = 0; r < rows; r++) expect(Math.abs(times[r]! - ref.times[r]!)).toBeLessThan(1e-6);
      const bad = compare(data, ref.values, rows)
        .filter((w) => w.ratio > 1)
        .map((w) => `${LLD_CSV_NAMES[w.col]} row ${w.row}: ${w.ratio.toFixed(2)}× tolerance`);
      expect(bad).toEqual([]);
    });
  }
});

describe('extractLld layout and input checks', () => {
  it('names match the openSMILE CSV header; Δ² names follow the delta names', () => {
    const ref = readLldCsv(listReferenceClips()[0]!.csv);
    expect([...LLD_CSV_NAMES]).toEqual(ref.header);
    expect(LLD_ALL_NAMES.length).toBe(LLD_DIMS);
    expect(LLD_DELTA2_NAMES[0]).toBe('F0final_sma_de_de');
    expect(LLD_DELTA2_NAMES[64]).toBe('mfcc_sma_de_de[14]');
  });

  it('rejects audio shorter than one 60 ms frame with a typed error', () => {
    for (const n of [0, 1, 959]) {
      let err: unknown;
      try {
        extractLld(new Float32Array(n));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AudioError);
      expect((err as AudioError).code).toBe('too-short');
    }
  });

  it('rejects NaN / Inf samples with a typed error', () => {
    const x = new Float32Array(2000);
    x[1234] = Number.NaN;
    expect(() => extractLld(x)).toThrow(AudioError);
    x[1234] = Number.POSITIVE_INFINITY;
    expect(() => extractLld(x)).toThrow(/sample 1234/);
  });

  it('one 60 ms frame gives N60+1 = 2 rows with a repeated frame time', () => {
    const x = new Float32Array(960).map((_, i) => 0.1 * Math.sin(i / 5));
    const { rows, data } = extractLld(x);
    expect(rows).toBe(2);
    expect(Array.from(lldFrameTimes(rows))).toEqual([0, 0]);
    expect(data.every(Number.isFinite)).toBe(true);
  });

  it('Δ and Δ² are zero on digital silence, where every LLD is constant', () => {
    const { rows, data } = extractLld(new Float32Array(16000));
    expect(rows).toBe(96);
    for (let r = 0; r < rows; r++) for (let c = 65; c < LLD_DIMS; c++) expect(data[r * LLD_DIMS + c]).toBe(0);
    // openSMILE's silence values: ZCR (N−2)/N, roll-offs at the first bin.
    expect(data[9]).toBeCloseTo(958 / 960, 6);
    expect(data[38]).toBe(31.25);
  });

  it('is deterministic across calls (no state leaks between clips)', () => {
    const x = readPcm16Wav(listReferenceClips().find((c) => c.name.startsWith('whitenoise'))!.wav);
    const a = extractLld(x).data;
    extractLld(readPcm16Wav(listReferenceClips()[0]!.wav));
    expect(extractLld(x).data).toEqual(a);
  });
});
