// Hostile declared lengths (issue #19): a header may promise gigabytes the file does not hold. They
// must be refused with a clear AudioError before memory is spent on them, and quickly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AudioError } from '../../src/audio/errors.ts';
import { loadAudio } from '../../src/audio/load.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import { collectFileList } from '../../src/ui/eval/sources.ts';

const FLAC = path.resolve(import.meta.dirname, '../../../shared/corpora/emodb/audio/03a01Nc.flac');

async function refusedCheaply(bytes: Uint8Array, code: string): Promise<void> {
  const before = process.memoryUsage().arrayBuffers;
  const t0 = performance.now();
  const err = await loadAudio(bytes).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AudioError);
  expect((err as AudioError).code).toBe(code);
  expect(performance.now() - t0).toBeLessThan(2000);
  expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
}

describe('declared lengths far beyond the file', () => {
  it('WAV data chunk declaring ~4 GB (the largest a RIFF size field holds)', async () => {
    const wav = encodeWav([new Float32Array(16000)], { sampleRate: 16000, encoding: 'int', bitsPerSample: 16 });
    new DataView(wav.buffer).setUint32(40, 0xfffffffe, true);
    await refusedCheaply(wav, 'truncated');
  });

  it('FLAC STREAMINFO declaring 2^36 − 1 samples (≈ 137 GB of 16-bit audio)', async () => {
    const flac = new Uint8Array(readFileSync(FLAC));
    flac[21] = flac[21]! | 0x0f; // high 4 bits of the 36-bit total-samples field
    flac.fill(0xff, 22, 26);
    await refusedCheaply(flac, 'truncated');
  });

  it('a 10 GB file handed to the evaluation page is reported by its read, which never reads it', async () => {
    let touched = false;
    const huge = { name: 'huge.wav', webkitRelativePath: '', size: 10e9, arrayBuffer: async () => ((touched = true), new ArrayBuffer(0)) } as unknown as File;
    const zip = { name: 'corpus.zip', webkitRelativePath: '', size: 10e9, arrayBuffer: async () => ((touched = true), new ArrayBuffer(0)) } as unknown as File;
    const { files, problems } = await collectFileList([huge, zip]);
    expect(problems).toEqual([{ path: 'corpus.zip', message: expect.stringMatching(/9\.3 GiB; files over 2048 MiB are not read/) }]);
    await expect(files[0]!.read()).rejects.toThrow(/huge\.wav is 9\.3 GiB; files over 512 MiB/);
    expect(touched).toBe(false);
  });
});
