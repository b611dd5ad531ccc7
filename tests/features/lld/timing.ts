// Quick timing of the LLD parts (not a test): `npx tsx tests/features/lld/timing.ts`. Same clips as
// `npm run bench:features` (first 20 RAVDESS clips of actor 19); best of N rounds, single thread.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readAudioFile } from '../../../src/audio/node.ts';
import { FRAME_20MS, FRAME_60MS, frameCount } from '../../../src/features/framing.ts';
import { computeGroupsABRaw } from '../../../src/features/lld/groups.ts';
import { extractLld } from '../../../src/features/lld/index.ts';
import { computePitchGroupRaw } from '../../../src/features/lld/pitch/index.ts';

const DIR = resolve(import.meta.dirname, '../../../../shared/corpora/ravdess/audio/Actor_19');
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const files = readdirSync(DIR).filter((f) => f.endsWith('.flac')).sort().slice(0, 20);
const clips = await Promise.all(files.map((f) => readAudioFile(join(DIR, f))));
const seconds = clips.reduce((s, x) => s + x.length, 0) / 16000;
console.log(`${clips.length} clips, ${seconds.toFixed(1)} s of audio, best of ${ROUNDS} rounds`);

function time(label: string, fn: (x: Float32Array) => unknown): void {
  for (const x of clips.slice(0, 2)) fn(x);
  let best = Infinity;
  let bestCpu = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const x of clips) fn(x);
    const cpu = process.cpuUsage(c0);
    best = Math.min(best, performance.now() - t0);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
  }
  // CPU time as well as wall time: on a shared, loaded machine the wall clock includes waiting for a core.
  console.log(`${label.padEnd(34)} ${(best / seconds).toFixed(3)} ms/s wall, ${(bestCpu / seconds).toFixed(3)} ms/s CPU`);
}

const scale = (x: Float32Array): Float32Array => x.map((v) => (v * 32768) / 32767);
time('groups A+B raw (FFT, mel, spectral)', (x) => computeGroupsABRaw(scale(x), frameCount(x.length, FRAME_20MS), frameCount(x.length, FRAME_60MS)));
time('pitch group raw (columns 1–6)', (x) => computePitchGroupRaw(x, frameCount(x.length, FRAME_60MS)));
time('extractLld (65 + Δ + Δ², all)', (x) => extractLld(x));
