// On-disk format of one cached item: 'MSF1', u32 header length, JSON header, zero pad to a multiple
// of 4, then the float32 arrays back to back (little-endian) in the order the header lists them.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

const MAGIC = 'MSF1';

export interface CacheEntry {
  meta: Record<string, number>;
  arrays: Record<string, Float32Array>;
}

export function encodeEntry(entry: CacheEntry): Uint8Array {
  const names = Object.keys(entry.arrays);
  const header = JSON.stringify({ meta: entry.meta, arrays: names.map((n) => [n, entry.arrays[n].length]) });
  const headerBytes = new TextEncoder().encode(header);
  const start = Math.ceil((8 + headerBytes.length) / 4) * 4;
  const total = start + names.reduce((s, n) => s + entry.arrays[n].length * 4, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  let offset = start;
  for (const n of names) {
    const a = entry.arrays[n];
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  return out;
}

export function decodeEntry(bytes: Uint8Array, source: string): CacheEntry {
  const bad = (why: string): Error => new Error(`feature cache file ${source} is corrupt (${why}); delete it`);
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw bad('bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint32(4, true);
  if (8 + headerLen > bytes.length) throw bad('header past end');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as {
    meta: Record<string, number>;
    arrays: Array<[string, number]>;
  };
  let offset = Math.ceil((8 + headerLen) / 4) * 4;
  const arrays: Record<string, Float32Array> = {};
  for (const [name, len] of header.arrays) {
    if (offset + len * 4 > bytes.length) throw bad(`array ${name} past end`);
    // Copy into a fresh buffer: the file buffer may be unaligned or pooled (and Buffer#slice is a view).
    const copy = new Uint8Array(len * 4);
    copy.set(bytes.subarray(offset, offset + len * 4));
    arrays[name] = new Float32Array(copy.buffer);
    offset += len * 4;
  }
  if (offset !== bytes.length) throw bad('trailing bytes');
  return { meta: header.meta, arrays };
}

export async function writeEntryAtomic(file: string, entry: CacheEntry): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, encodeEntry(entry));
  await rename(tmp, file); // readers never see a half-written file
}

export async function readEntry(file: string): Promise<CacheEntry> {
  return decodeEntry(await readFile(file), file);
}
