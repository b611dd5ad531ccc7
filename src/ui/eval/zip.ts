// A zip as a list of LocalFiles, inflated one entry at a time: listing reads only the central
// directory, and each read() inflates just its entry, so a corpus zip never sits in memory twice.
import { unzipSync } from 'fflate';
import type { LocalFile } from './dataset.ts';

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

export const isZipPath = (path: string): boolean => /\.zip$/i.test(path);

/** Entries of a zip archive; `prefix` (e.g. the zip's own path + '/') is put before every entry path. */
export function zipEntries(bytes: Uint8Array, prefix = ''): LocalFile[] {
  const entries: Array<{ name: string; size: number }> = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        // Folders and macOS resource forks are not files of the corpus.
        if (!f.name.endsWith('/') && !/(^|\/)__MACOSX\//.test(f.name)) entries.push({ name: f.name, size: f.originalSize });
        return false;
      },
    });
  } catch (error) {
    throw new ZipError(`${prefix || 'zip'}: not a readable zip archive (${error instanceof Error ? error.message : String(error)})`);
  }
  return entries.map(({ name, size }) => ({
    path: prefix + name,
    size,
    read: async (): Promise<Uint8Array> => {
      let out: Record<string, Uint8Array>;
      try {
        out = unzipSync(bytes, { filter: (f) => f.name === name });
      } catch (error) {
        throw new ZipError(`${prefix}${name}: cannot inflate (${error instanceof Error ? error.message : String(error)})`);
      }
      const data = out[name];
      if (!data) throw new ZipError(`${prefix}${name}: entry vanished from the archive`);
      return data;
    },
  }));
}
