// Test helpers: the shared openSMILE reference clips (16-bit PCM WAV) and their LLD CSVs.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const referenceDir = path.resolve(repoRoot, '../shared/reference');

export interface ReferenceClip {
  set: 'real' | 'synthetic';
  name: string;
  wav: string;
  csv: string;
}

export function listReferenceClips(): ReferenceClip[] {
  const out: ReferenceClip[] = [];
  for (const set of ['real', 'synthetic'] as const) {
    const dir = path.join(referenceDir, set, 'wav');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.wav')).sort()) {
      const name = f.slice(0, -4);
      out.push({ set, name, wav: path.join(dir, f), csv: path.join(referenceDir, set, 'opensmile_lld', `${name}.lld.csv`) });
    }
  }
  return out;
}

/** Minimal reader for the reference files only (RIFF, PCM 16-bit, mono): samples / 32768. */
export function readPcm16Wav(file: string): Float32Array {
  const buf = readFileSync(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file}: not RIFF/WAVE`);
  let off = 12;
  let fmtOk = false;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      const format = buf.readUInt16LE(body);
      const channels = buf.readUInt16LE(body + 2);
      const rate = buf.readUInt32LE(body + 4);
      const bits = buf.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || rate !== 16000 || bits !== 16) throw new Error(`${file}: expected 16 kHz mono PCM16`);
      fmtOk = true;
    } else if (id === 'data') {
      if (!fmtOk) throw new Error(`${file}: data before fmt`);
      const n = Math.floor(Math.min(size, buf.length - body) / 2);
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = buf.readInt16LE(body + 2 * i) / 32768;
      return x;
    }
    off = body + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

export interface LldCsv {
  header: string[]; // the 130 feature names
  times: number[];
  /** rows × 130 */
  values: Float64Array;
  rows: number;
}

export function readLldCsv(file: string): LldCsv {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  const header = lines[0]!.split(';').slice(2);
  const rows = lines.length - 1;
  const cols = header.length;
  const values = new Float64Array(rows * cols);
  const times: number[] = [];
  for (let r = 0; r < rows; r++) {
    const f = lines[r + 1]!.split(';');
    times.push(Number(f[1]));
    for (let c = 0; c < cols; c++) values[r * cols + c] = Number(f[c + 2]);
  }
  return { header, times, values, rows };
}
