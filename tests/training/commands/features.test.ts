// `msir features` spawned as a user runs it, compared with the reference tools' CSVs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../../src/audio/wav.ts';
import { pyFloatRepr, openSmileNumber } from '../../../training/commands/csv-format.ts';
import { REFERENCE, REPO_ROOT, readPsfCsv } from '../../features/reference.ts';

const BIN = resolve(REPO_ROOT, 'training/bin.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'msir-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function msir(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function readLldCsv(path: string): { header: string; names: string[]; times: string[]; rows: number[][] } {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const body = lines.slice(1).map((l) => l.split(';'));
  return {
    header: lines[0]!,
    names: body.map((c) => c[0]!),
    times: body.map((c) => c[1]!),
    rows: body.map((c) => c.slice(2).map(Number)),
  };
}

describe('msir features', () => {
  const clip = '03a01Wa';
  const wav = join(REFERENCE, 'real/wav', `${clip}.wav`);
  const melRef = join(REFERENCE, 'real/psf_logfbank', `${clip}.logfbank_float.csv`);
  const lldRef = join(REFERENCE, 'real/opensmile_lld', `${clip}.lld.csv`);

  it('writes both CSVs in the reference layouts for a reference clip', () => {
    const lldOut = join(tmp, 'out.lld.csv');
    const melOut = join(tmp, 'out.logmel.csv');
    const r = msir('features', wav, '--lld-csv', lldOut, '--logmel-csv', melOut);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);

    // log-Mel: identical header, frame columns and line endings; values within 1e-3.
    const melText = readFileSync(melOut, 'utf8');
    const melRefText = readFileSync(melRef, 'utf8');
    expect(melText.split('\r\n')[0]).toBe(melRefText.split('\r\n')[0]);
    expect(melText.split('\r\n').length).toBe(melRefText.split('\r\n').length);
    const firstCols = (t: string) => t.split('\r\n').map((l) => l.split(',').slice(0, 2).join(','));
    expect(firstCols(melText)).toEqual(firstCols(melRefText));
    const mel = readPsfCsv(melOut);
    const ref = readPsfCsv(melRef);
    let maxDiff = 0;
    ref.rows.forEach((row, t) => row.forEach((v, c) => (maxDiff = Math.max(maxDiff, Math.abs(v - mel.rows[t]![c]!)))));
    expect(maxDiff).toBeLessThanOrEqual(1e-3);

    // LLD: identical header, name column, frame times (incl. the repeated last one) and row count.
    const lld = readLldCsv(lldOut);
    const lref = readLldCsv(lldRef);
    expect(lld.header).toBe(lref.header);
    expect(lld.names).toEqual(lref.names);
    expect(lld.times).toEqual(lref.times);
    expect(lld.rows[0]).toHaveLength(130);
    // Energy/spectral columns (groups A and B, 7–65, and their Δ) within 1e-3 of each column's range.
    for (const c of [...Array.from({ length: 59 }, (_, i) => 6 + i), ...Array.from({ length: 59 }, (_, i) => 71 + i)]) {
      const col = lref.rows.map((row) => row[c]!);
      const range = Math.max(...col) - Math.min(...col);
      const worst = Math.max(...lld.rows.map((row, t) => Math.abs(row[c]! - col[t]!)));
      expect(worst, `column ${c + 1}`).toBeLessThanOrEqual(1e-3 * range + 1e-6 * Math.max(...col.map(Math.abs)));
    }
  });

  it('accepts other formats and rates: 24-bit stereo 44.1 kHz FLAC gives nearly the same log-Mel', () => {
    const flac = join(tmp, 'clip44k.flac');
    execFileSync('sox', ['-V1', wav, '-b', '24', '-r', '44100', '-c', '2', flac]);
    const melOut = join(tmp, 'flac.logmel.csv');
    const r = msir('features', flac, '--logmel-csv', melOut);
    expect(r.status).toBe(0);
    const mel = readPsfCsv(melOut);
    const ref = readPsfCsv(melRef);
    expect(Math.abs(mel.rows.length - ref.rows.length)).toBeLessThanOrEqual(1);
    // Two resamplings move high bands a little; the mean |difference| over speech stays small.
    let sum = 0;
    let n = 0;
    for (let t = 0; t < Math.min(mel.rows.length, ref.rows.length); t++) {
      for (let b = 0; b < 30; b++) {
        sum += Math.abs(mel.rows[t]![b]! - ref.rows[t]![b]!);
        n++;
      }
    }
    expect(sum / n).toBeLessThan(0.1);
  });

  it('fails clearly with a non-zero exit on bad input', () => {
    const missing = msir('features', join(tmp, 'nope.wav'), '--lld-csv', join(tmp, 'x.csv'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/cannot read audio file .*nope\.wav/);

    const notAudio = join(tmp, 'notes.txt');
    writeFileSync(notAudio, 'these are not audio samples at all');
    const bad = msir('features', notAudio, '--logmel-csv', join(tmp, 'x.csv'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/unsupported-format/);

    const short = join(tmp, 'short.wav');
    writeFileSync(short, encodeWav([new Float32Array(500)], { sampleRate: 16000, encoding: 'int', bitsPerSample: 16 }));
    const tooShort = msir('features', short, '--logmel-csv', join(tmp, 'x.csv'));
    expect(tooShort.status).toBe(1);
    expect(tooShort.stderr).toMatch(/too-short/);

    const noOutput = msir('features', wav);
    expect(noOutput.status).toBe(2);
    expect(noOutput.stderr).toMatch(/--lld-csv/);
  });
});

describe('CSV number formats', () => {
  it("pyFloatRepr matches Python's repr", () => {
    const cases: Array<[number, string]> = [
      [-17.71369925180317, '-17.71369925180317'],
      [1e-5, '1e-05'],
      [1.5e-5, '1.5e-05'],
      [0.00012, '0.00012'],
      [0.0001, '0.0001'],
      [2, '2.0'],
      [0, '0.0'],
      [-0, '-0.0'],
      [1e16, '1e+16'],
      [1.23e17, '1.23e+17'],
      [123456.789, '123456.789'],
      [3.3e-9, '3.3e-09'],
    ];
    for (const [x, s] of cases) expect(pyFloatRepr(x)).toBe(s);
  });

  it("openSmileNumber prints integers bare and the rest as C's %e", () => {
    expect(openSmileNumber(-100)).toBe('-100');
    expect(openSmileNumber(0)).toBe('0');
    expect(openSmileNumber(1.200758e-5)).toBe('1.200758e-05');
    expect(openSmileNumber(229.0403)).toBe('2.290403e+02');
    expect(openSmileNumber(-0.5)).toBe('-5.000000e-01');
  });
});
