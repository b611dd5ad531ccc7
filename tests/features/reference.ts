// Locating and parsing the shared reference outputs (../shared/reference) for fidelity tests.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const SHARED = resolve(REPO_ROOT, '../shared');
export const REFERENCE = resolve(SHARED, 'reference');

export interface ReferenceClip {
  name: string;
  kind: 'real' | 'synthetic';
  wav: string;
  logfbank: string;
  lld: string;
}

export function referenceClips(): ReferenceClip[] {
  const clips: ReferenceClip[] = [];
  for (const kind of ['real', 'synthetic'] as const) {
    const dir = resolve(REFERENCE, kind);
    for (const f of readdirSync(resolve(dir, 'wav')).sort()) {
      if (!f.endsWith('.wav')) continue;
      const name = basename(f, '.wav');
      clips.push({
        name,
        kind,
        wav: resolve(dir, 'wav', f),
        logfbank: resolve(dir, 'psf_logfbank', `${name}.logfbank_float.csv`),
        lld: resolve(dir, 'opensmile_lld', `${name}.lld.csv`),
      });
    }
  }
  return clips;
}

/** psf CSV → rows of [logfbank_0..39, delta_0..39] plus frame times. */
export function readPsfCsv(path: string): { header: string[]; times: number[]; rows: Float64Array[] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const times: number[] = [];
  const rows: Float64Array[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    times.push(Number(cells[1]));
    rows.push(Float64Array.from(cells.slice(2), Number));
  }
  return { header, times, rows };
}
