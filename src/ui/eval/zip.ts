// A zip as a list of LocalFiles, inflated one entry at a time: listing reads only the central
// directory, and each read() inflates just its entry, so a corpus zip never sits in memory twice.
// The directory is read here, bounds-checked field by field (fflate's unzipSync trusts the declared
// sizes: a flipped size bit silently cut an entry short, and a 4 GB declared size was allocated before
// inflating). Each entry is inflated by fflate's streaming Inflate under a cap of its declared size,
// and checked against its CRC-32, so a zip bomb stops at the cap and corrupt data is an error, never
// a silently different file.
import { Inflate, strFromU8 } from 'fflate';
import type { LocalFile } from './dataset.ts';

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

/** Largest entry read into the page (uncompressed): about 45 min of 48 kHz stereo 16-bit audio. Beyond
 *  it the page would be at risk, and such a file is no evaluation clip. */
export const MAX_ENTRY_BYTES = 512 * 2 ** 20;
/** Deflate cannot expand beyond about 1032:1; a declared size above this ratio is a lie. */
const MAX_DEFLATE_RATIO = 1032;

export const isZipPath = (path: string): boolean => /\.zip$/i.test(path);

interface DirEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const CENTRAL_MIN = 46;

function u64(v: DataView, at: number): number {
  const n = v.getBigUint64(at, true);
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
}

/** The central directory's entries, every offset and length checked against the archive's size. */
function readDirectory(bytes: Uint8Array, label: string): DirEntry[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string): never => {
    throw new ZipError(`${label}: not a readable zip archive (${why})`);
  };
  // The end record sits in the last 22 + 65535 (comment) bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (v.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) bad('no end-of-central-directory record: not a zip, or cut off');
  let count = v.getUint16(eocd + 10, true);
  let dirSize = v.getUint32(eocd + 12, true);
  let dirOffset = v.getUint32(eocd + 16, true);
  if ((count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) && eocd >= 20 && v.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
    const at = u64(v, eocd - 12);
    if (at + 56 > bytes.length || v.getUint32(at, true) !== ZIP64_EOCD) bad('zip64 end record missing or out of bounds');
    count = u64(v, at + 32);
    dirSize = u64(v, at + 40);
    dirOffset = u64(v, at + 48);
  }
  if (dirOffset + dirSize > bytes.length) bad(`central directory (${dirSize} bytes at ${dirOffset}) runs past the end of the ${bytes.length}-byte file`);
  // Each record takes at least 46 bytes: a larger count is corrupt (and must not drive a long loop).
  if (count * CENTRAL_MIN > dirSize) bad(`${count} entries cannot fit in a ${dirSize}-byte central directory`);
  const entries: DirEntry[] = [];
  const end = dirOffset + dirSize;
  let p = dirOffset;
  for (let i = 0; i < count; i++) {
    if (p + CENTRAL_MIN > end || v.getUint32(p, true) !== CENTRAL) bad(`central directory record ${i + 1} of ${count} is damaged`);
    const flags = v.getUint16(p + 8, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    const next = p + CENTRAL_MIN + nameLen + extraLen + commentLen;
    if (next > end) bad(`central directory record ${i + 1} runs past the directory`);
    const entry: DirEntry = {
      // Bit 11: UTF-8 names; otherwise the legacy code page, read as Latin-1 as fflate does.
      name: strFromU8(bytes.subarray(p + 46, p + 46 + nameLen), (flags & 0x800) === 0),
      method: v.getUint16(p + 10, true),
      flags,
      crc: v.getUint32(p + 16, true),
      compressedSize: v.getUint32(p + 20, true),
      size: v.getUint32(p + 24, true),
      localOffset: v.getUint32(p + 42, true),
    };
    readZip64Extra(v, p + 46 + nameLen, extraLen, entry);
    entries.push(entry);
    p = next;
  }
  return entries;
}

/** Zip64 extra field (id 1): 64-bit sizes and offset, present for the 32-bit fields set to 0xFFFFFFFF. */
function readZip64Extra(v: DataView, at: number, len: number, e: DirEntry): void {
  for (let q = at; q + 4 <= at + len; ) {
    const id = v.getUint16(q, true);
    const size = v.getUint16(q + 2, true);
    if (id === 1) {
      let r = q + 4;
      const take = (): number | null => (r + 8 <= q + 4 + size && r + 8 <= at + len ? ((r += 8), u64(v, r - 8)) : null);
      if (e.size === 0xffffffff) e.size = take() ?? e.size;
      if (e.compressedSize === 0xffffffff) e.compressedSize = take() ?? e.compressedSize;
      if (e.localOffset === 0xffffffff) e.localOffset = take() ?? e.localOffset;
      return;
    }
    q += 4 + size;
  }
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c;
  }
  return t;
})();

function crc32(b: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** One entry's bytes: refused before anything is allocated when its declared size is absurd; inflated
 *  under a cap of that size; its CRC-32 checked. */
function readEntry(bytes: Uint8Array, e: DirEntry, label: string): Uint8Array {
  const fail = (why: string): never => {
    throw new ZipError(`${label}: ${why}`);
  };
  if (e.flags & 1) fail('the entry is encrypted');
  if (e.size > MAX_ENTRY_BYTES) fail(`declares ${e.size} bytes uncompressed; entries over ${MAX_ENTRY_BYTES / 2 ** 20} MiB are refused (a zip bomb, or no clip to evaluate in a page)`);
  if (e.method !== 0 && e.method !== 8) fail(`compression method ${e.method} is not supported (stored or deflate)`);
  if (e.method === 8 && e.size > e.compressedSize * MAX_DEFLATE_RATIO + 1024) fail(`declares ${e.size} bytes from ${e.compressedSize} compressed, beyond what deflate can produce: the archive is corrupt`);
  if (e.method === 0 && e.size !== e.compressedSize) fail(`stored entry declares ${e.compressedSize} bytes but ${e.size} uncompressed`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = e.localOffset;
  if (at + 30 > bytes.length || v.getUint32(at, true) !== LOCAL) fail('local header missing or damaged');
  const data = at + 30 + v.getUint16(at + 26, true) + v.getUint16(at + 28, true);
  if (data + e.compressedSize > bytes.length) fail(`data (${e.compressedSize} bytes at ${data}) runs past the end of the archive`);
  const packed = bytes.subarray(data, data + e.compressedSize);
  let out: Uint8Array;
  if (e.method === 0) out = new Uint8Array(packed); // a copy (a Node Buffer's slice() would be a view)
  else {
    out = new Uint8Array(e.size);
    let filled = 0;
    let ended = false;
    const inflater = new Inflate((chunk, final) => {
      if (filled + chunk.length > e.size) fail(`inflates to more than the ${e.size} bytes it declares: the archive is corrupt`);
      out.set(chunk, filled);
      filled += chunk.length;
      if (final) ended = true;
    });
    try {
      // Pushed in pieces, so an entry that lies about its size is stopped after at most one piece's output.
      const PIECE = 1 << 14; // at most ~17 MB of output per piece, even at deflate's maximum ratio
      for (let i = 0; i < packed.length; i += PIECE) inflater.push(packed.subarray(i, Math.min(packed.length, i + PIECE)), i + PIECE >= packed.length);
      if (packed.length === 0) inflater.push(new Uint8Array(0), true);
    } catch (error) {
      if (error instanceof ZipError) throw error;
      fail(`cannot inflate (${error instanceof Error ? error.message : String(error)})`);
    }
    if (!ended || filled !== e.size) fail(`inflates to ${filled} bytes but declares ${e.size}: the archive is corrupt or cut off`);
  }
  if (crc32(out) !== e.crc) fail('CRC-32 mismatch: the archive is corrupt');
  return out;
}

/** Entries of a zip archive; `prefix` (e.g. the zip's own path + '/') is put before every entry path. */
export function zipEntries(bytes: Uint8Array, prefix = ''): LocalFile[] {
  const entries = readDirectory(bytes, prefix || 'zip');
  // Folders and macOS resource forks are not files of the corpus.
  return entries
    .filter((e) => !e.name.endsWith('/') && !/(^|\/)__MACOSX\//.test(e.name))
    .map((e) => ({
      path: prefix + e.name,
      size: e.size,
      read: async (): Promise<Uint8Array> => readEntry(bytes, e, `${prefix}${e.name}`),
    }));
}
