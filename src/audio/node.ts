// Node-only convenience: read a file from disk and load it (kept out of index.ts so browsers never see node:fs).
import { readFile } from 'node:fs/promises';
import { AudioError } from './errors.ts';
import { loadAudio, type LoadOptions } from './load.ts';

export async function readAudioFile(path: string, opts: LoadOptions = {}): Promise<Float32Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new Error(`cannot read audio file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return await loadAudio(bytes, opts);
  } catch (err) {
    if (err instanceof AudioError) throw new AudioError(err.code, `${path}: ${err.message}`);
    throw err;
  }
}
