// Regressions from the zip fuzz target (issue #19): the previous reader trusted declared sizes, so a
// flipped size field silently cut an entry short (or padded it), a 4 GB declared size was allocated
// before inflating, and corrupt data came back as a different file. Each case here failed then.
import { deflateSync, strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../../src/ui/eval/dataset.ts';
import { MAX_ENTRY_BYTES, zipEntries, ZipError } from '../../../src/ui/eval/zip.ts';

const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD = 0x06054b50;

function offsetsOf(zip: Uint8Array, sig: number): number[] {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= zip.length; i++) if (v.getUint32(i, true) === sig) out.push(i);
  return out;
}

/** Set an entry's declared uncompressed size in its central record and its local header. */
function declareSize(zip: Uint8Array, size: number): Uint8Array {
  const z = zip.slice();
  const v = new DataView(z.buffer);
  for (const at of offsetsOf(z, CENTRAL)) v.setUint32(at + 24, size, true);
  for (const at of offsetsOf(z, LOCAL)) v.setUint32(at + 22, size, true);
  return z;
}

const text = strToU8('file,emotion\n' + 'a.wav,angry\n'.repeat(200));

describe('zip reader under hostile archives', () => {
  it('refuses a 4 GB declared entry before allocating anything', async () => {
    const bomb = declareSize(zipSync({ 'c/metadata.csv': text }, { level: 9 }), 0xffffffff);
    const [entry] = zipEntries(bomb, 'bomb.zip/');
    const before = process.memoryUsage().arrayBuffers;
    await expect(entry!.read()).rejects.toThrow(/refused/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
  });

  it('refuses a size deflate cannot produce from the compressed bytes (a lying header)', async () => {
    const z = declareSize(zipSync({ 'c/metadata.csv': text }, { level: 9 }), MAX_ENTRY_BYTES - 1);
    await expect(zipEntries(z)[0]!.read()).rejects.toThrow(/beyond what deflate can produce/);
  });

  it('stops inflating a zip bomb at its declared size', async () => {
    // 16 MiB of zeros deflate to ~16 KB; declaring 64 KiB must stop the inflation early, with an error.
    const zeros = new Uint8Array(16 * 2 ** 20);
    const z = declareSize(zipSync({ 'c/a.wav': zeros }, { level: 1 }), 2 ** 16);
    const t0 = performance.now();
    await expect(zipEntries(z)[0]!.read()).rejects.toThrow(ZipError);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('reports an entry that inflates to fewer bytes than declared, instead of returning it short', async () => {
    const z = declareSize(zipSync({ 'c/metadata.csv': text }, { level: 6 }), text.length + 17);
    await expect(zipEntries(z)[0]!.read()).rejects.toThrow(/inflates to|declares/);
  });

  it('reports an entry that holds more than declared, instead of cutting it silently', async () => {
    const z = declareSize(zipSync({ 'c/metadata.csv': text }, { level: 6 }), text.length - 15);
    await expect(zipEntries(z)[0]!.read()).rejects.toThrow(/more than the/);
  });

  it('detects corrupt data by its CRC-32 (stored entry, one byte changed)', async () => {
    const z = zipSync({ 'c/metadata.csv': text }, { level: 0 });
    const data = offsetsOf(z, LOCAL)[0]! + 30 + 'c/metadata.csv'.length + 40;
    z[data] = z[data]! ^ 0x20;
    await expect(zipEntries(z)[0]!.read()).rejects.toThrow(/CRC-32/);
  });

  it('refuses an entry count the central directory cannot hold, without walking it', () => {
    const z = zipSync({ 'c/metadata.csv': text });
    new DataView(z.buffer).setUint16(offsetsOf(z, EOCD)[0]! + 10, 0xffff, true);
    new DataView(z.buffer).setUint16(offsetsOf(z, EOCD)[0]! + 8, 0xffff, true);
    expect(() => zipEntries(z, 'x.zip/')).toThrow(/cannot fit/);
  });

  it('still reads good archives byte for byte, stored and deflated', async () => {
    for (const level of [0, 6] as const) {
      const files = zipEntries(zipSync({ 'c/metadata.csv': text, 'c/b.bin': deflateSync(text) }, { level }));
      expect(files.map((f) => f.path)).toEqual(['c/metadata.csv', 'c/b.bin']);
      expect(Array.from(await files[0]!.read())).toEqual(Array.from(text));
      expect(Array.from(await files[1]!.read())).toEqual(Array.from(deflateSync(text)));
    }
  });

  it('turns an unreadable label file into an issue instead of losing the selection (shared and IEMOCAP layouts)', async () => {
    const z = zipSync({ 'c/metadata.csv': text, 'c/a.wav': new Uint8Array([1, 2, 3]) }, { level: 0 });
    const data = offsetsOf(z, LOCAL)[0]! + 30 + 'c/metadata.csv'.length + 40;
    z[data] = z[data]! ^ 0x20;
    const d = await buildDataset(zipEntries(z, 'set.zip/'));
    expect(d.layout).toBe('shared');
    expect(d.issues).toEqual([{ source: 'set.zip/c/metadata.csv', message: expect.stringMatching(/cannot read this label file: .*CRC-32/) }]);
    expect(d.unmatchedAudio.map((f) => f.path)).toEqual(['set.zip/c/a.wav']);

    const broken = { path: 'S/Session1/dialog/EmoEvaluation/Ses01F_impro01.txt', size: 10, read: () => Promise.reject(new ZipError('corrupt entry')) };
    const good = { path: 'S/Session2/dialog/EmoEvaluation/Ses02F_impro01.txt', size: 10, read: async () => strToU8('[1.0 - 2.0]\tSes02F_impro01_F000\tang\t[2.0, 2.0, 2.0]') };
    const wav = { path: 'S/Session2/sentences/wav/Ses02F_impro01/Ses02F_impro01_F000.wav', size: 3, read: async () => new Uint8Array(3) };
    const i = await buildDataset([broken, good, wav]);
    expect(i.layout).toBe('iemocap');
    expect(i.items.map((it) => it.clip.label)).toEqual(['angry']);
    expect(i.issues).toEqual([{ source: broken.path, message: 'cannot read this label file: corrupt entry' }]);
  });
});
