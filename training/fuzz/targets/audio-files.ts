// Mutated real WAV and FLAC files through the one entry point the page, the CLI and the worker use:
// loadAudio (decode → downmix → checks → 16 kHz). Documented outcome of a bad file: AudioError. A file
// that decodes must give finite samples whose count matches the decoded duration.
import { decodeAudio, toMono16k } from '../../../src/audio/load.ts';
import { TARGET_SAMPLE_RATE } from '../../../src/audio/types.ts';
import { applyMutations, describeMutations, mutationArb, type MutatedFile } from '../mutate.ts';
import type { Seed } from '../seeds.ts';
import { expectedCode, invariant, type FuzzTarget } from '../target.ts';

export function audioFileTarget(name: string, seeds: Seed[]): FuzzTarget<MutatedFile> {
  const offsets = [...new Set(seeds.flatMap((s) => s.offsets))];
  const names = seeds.map((s) => s.name);
  return {
    name,
    what: `mutated ${name.toUpperCase()} files (${seeds.length} seeds from the shared corpora: ${names.join('; ')}) → decodeAudio → toMono16k`,
    // Field writes are aimed at the union of the seeds' header offsets (they differ a little per seed).
    arbitrary: mutationArb(seeds.length, offsets),
    describe: (f) => describeMutations(f, names),
    async run(f) {
      const bytes = applyMutations(seeds[f.seed]!.bytes, f.mutations);
      const before = bytes.slice();
      try {
        const decoded = await decodeAudio(bytes);
        const { channels, sampleRate } = decoded;
        invariant(channels.length >= 1, 'decoded to no channels');
        invariant(channels.every((c) => c.length === channels[0]!.length), `channels of different lengths: ${channels.map((c) => c.length).join(', ')}`);
        const audio = await toMono16k(channels, sampleRate);
        const want = (channels[0]!.length * TARGET_SAMPLE_RATE) / sampleRate;
        invariant(Math.abs(audio.length - want) <= 2, `${audio.length} samples at 16 kHz from ${channels[0]!.length} at ${sampleRate} Hz`);
        for (let i = 0; i < audio.length; i++) invariant(Number.isFinite(audio[i]!), `sample ${i} is ${audio[i]}`);
      } catch (err) {
        const code = expectedCode(err, ['AudioError']);
        if (!code) throw err;
        invariant(err instanceof Error && err.message.length > 10, 'error without a usable message');
        return code;
      } finally {
        // Decoding must not write into the caller's bytes (a retry or another decoder gets them intact).
        invariant(bytes.length === before.length && bytes.every((b, i) => b === before[i]), 'decoder modified the file bytes');
      }
      return 'ok';
    },
  };
}
