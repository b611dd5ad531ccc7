// Turning what the user hands the page (file inputs, a dropped folder, a directory picker) into
// LocalFiles. Files are read only when needed; zips are expanded into their entries.
import type { LocalFile } from './dataset.ts';
import { isZipPath, MAX_ENTRY_BYTES, zipEntries } from './zip.ts';

/** A file the page could not open (e.g. a corrupt zip): reported, the rest goes on. */
export interface SourceProblem {
  path: string;
  message: string;
}

export interface Collected {
  files: LocalFile[];
  problems: SourceProblem[];
}

/** Largest file read into the page: a clip or label file (as for zip entries), and a whole zip. Beyond
 *  these the read would exhaust the tab's memory; the file is reported instead of crashing the page. */
export const MAX_FILE_BYTES = MAX_ENTRY_BYTES;
export const MAX_ZIP_BYTES = 2 * 2 ** 30;

function fromFile(file: File, path: string): LocalFile {
  const limit = isZipPath(path) ? MAX_ZIP_BYTES : MAX_FILE_BYTES;
  return {
    path,
    size: file.size,
    read: async () => {
      if (file.size > limit) throw new Error(`${path} is ${(file.size / 2 ** 30).toFixed(1)} GiB; files over ${limit / 2 ** 20} MiB are not read into the page`);
      return new Uint8Array(await file.arrayBuffer());
    },
  };
}

/** Expand zips in place; a zip that cannot be read becomes a problem, not an exception. */
async function expandZips(files: LocalFile[]): Promise<Collected> {
  const out: LocalFile[] = [];
  const problems: SourceProblem[] = [];
  for (const f of files) {
    if (!isZipPath(f.path)) {
      out.push(f);
      continue;
    }
    try {
      out.push(...zipEntries(await f.read(), `${f.path}/`));
    } catch (error) {
      problems.push({ path: f.path, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { files: out, problems };
}

/** From an <input type=file> (with or without webkitdirectory). */
export function collectFileList(list: FileList | File[]): Promise<Collected> {
  const files = Array.from(list, (f) => fromFile(f, f.webkitRelativePath || f.name));
  return expandZips(files);
}

/** From a drop: folders are walked (webkitGetAsEntry), loose files and zips taken as they are. */
export async function collectDataTransfer(dt: DataTransfer): Promise<Collected> {
  // Entries must be taken synchronously, before the event handler yields. Where the browser gives no
  // entry (e.g. a DataTransfer built by script), fall back to the plain File.
  const taken = Array.from(dt.items)
    .filter((it) => it.kind === 'file')
    .map((it) => ({ entry: it.webkitGetAsEntry?.() ?? null, file: it.getAsFile() }));
  const files: LocalFile[] = [];
  const problems: SourceProblem[] = [];
  for (const { entry, file } of taken) {
    if (entry) await walkEntry(entry, '', files, problems);
    else if (file) files.push(fromFile(file, file.name));
  }
  const expanded = await expandZips(files);
  return { files: expanded.files, problems: [...problems, ...expanded.problems] };
}

async function walkEntry(entry: FileSystemEntry, prefix: string, out: LocalFile[], problems: SourceProblem[]): Promise<void> {
  const path = prefix + entry.name;
  if (entry.isFile) {
    try {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push(fromFile(file, path));
    } catch (error) {
      problems.push({ path, message: `cannot read: ${error instanceof Error ? error.message : String(error)}` });
    }
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most ~100 entries per call; keep reading until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject)).catch(
      (error: unknown) => {
        problems.push({ path, message: `cannot list folder: ${error instanceof Error ? error.message : String(error)}` });
        return [] as FileSystemEntry[];
      },
    );
    if (batch.length === 0) break;
    for (const child of batch) await walkEntry(child, `${path}/`, out, problems);
  }
}

interface DirectoryHandleLike {
  kind: 'directory';
  name: string;
  values(): AsyncIterable<DirectoryHandleLike | FileHandleLike>;
}
interface FileHandleLike {
  kind: 'file';
  name: string;
  getFile(): Promise<File>;
}

/** True where the File System Access directory picker exists (Chromium). */
export function hasDirectoryPicker(): boolean {
  return typeof (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';
}

/** Let the user pick a folder (read-only); resolves null if they cancel. */
export async function collectDirectoryPicker(): Promise<Collected | null> {
  const picker = (globalThis as unknown as { showDirectoryPicker(opts: { mode: 'read' }): Promise<DirectoryHandleLike> })
    .showDirectoryPicker;
  let root: DirectoryHandleLike;
  try {
    root = await picker({ mode: 'read' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return null;
    throw error;
  }
  const files: LocalFile[] = [];
  const problems: SourceProblem[] = [];
  const walk = async (dir: DirectoryHandleLike, prefix: string): Promise<void> => {
    for await (const h of dir.values()) {
      const path = `${prefix}${h.name}`;
      if (h.kind === 'directory') await walk(h, `${path}/`);
      else {
        try {
          files.push(fromFile(await h.getFile(), path));
        } catch (error) {
          problems.push({ path, message: `cannot read: ${error instanceof Error ? error.message : String(error)}` });
        }
      }
    }
  };
  await walk(root, `${root.name}/`);
  const expanded = await expandZips(files);
  return { files: expanded.files, problems: [...problems, ...expanded.problems] };
}
