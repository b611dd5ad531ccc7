// Test helpers: read the shared openSMILE reference clips (16-bit PCM WAV) and their LLD CSVs.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const referenceDir = path.resolve(repoRoot, '../shared/reference');

/** Minimal RIFF/WAVE reader for the reference clips: 16-bit PCM mono, returned as int16/32768. */
export function readWav16(file: string): { samples: Float32Array; sampleRate: number } {
  const buf = readFileSync(file);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file}: not a RIFF/WAVE file`);
  let off = 12;
  let fmt: { channels: number; rate: number; bits: number; format: number } | null = null;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = dv.getUint32(off + 4, true);
    const body = off + 8;
    if (id === 'fmt ') {
      fmt = { format: dv.getUint16(body, true), channels: dv.getUint16(body + 2, true), rate: dv.getUint32(body + 4, true), bits: dv.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (!fmt || fmt.format !== 1 || fmt.bits !== 16 || fmt.channels !== 1) throw new Error(`${file}: expected 16-bit PCM mono`);
      const n = Math.floor(Math.min(size, buf.length - body) / 2);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = dv.getInt16(body + 2 * i, true) / 32768;
      return { samples, sampleRate: fmt.rate };
    }
    off = body + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

/** The first `cols` LLD columns of an openSMILE `;`-separated LLD CSV (name and frameTime dropped). */
export function readLldCsv(file: string, cols: number): { rows: number; data: Float64Array } {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const body = lines.slice(1);
  const data = new Float64Array(body.length * cols);
  body.forEach((line, r) => {
    const parts = line.split(';');
    for (let c = 0; c < cols; c++) data[r * cols + c] = Number(parts[2 + c]);
  });
  return { rows: body.length, data };
}

export interface ReferenceClip {
  set: 'real' | 'synthetic';
  name: string;
  wav: string;
  csv: string;
}

export function referenceClips(set: 'real' | 'synthetic'): ReferenceClip[] {
  const dir = path.join(referenceDir, set);
  return readdirSync(path.join(dir, 'wav'))
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -4);
      return { set, name, wav: path.join(dir, 'wav', f), csv: path.join(dir, 'opensmile_lld', `${name}.lld.csv`) };
    });
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}
