// `npm run bench:features`: single-thread feature extraction speed on the first 20 RAVDESS clips of
// actor 19 (name order, 74.7 s). Decoding is done first and not timed; each stage runs several rounds
// over the whole set and the fastest round is reported (the machine is shared, so the minimum is the
// least noisy estimate of the code's own cost).
import { readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { readAudioFile } from '../src/audio/node.ts';
import { extractLld } from '../src/features/lld/index.ts';
import { LogMel } from '../src/features/logmel.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DIR = resolve(ROOT, '../shared/corpora/ravdess/audio/Actor_19');
// log-Mel rounds are cheap (~0.1 s each), so take more of them on this noisy, shared machine.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MEL_ROUNDS = Number(process.env.BENCH_MEL_ROUNDS ?? 20);

const files = readdirSync(DIR).filter((f) => f.endsWith('.flac')).sort().slice(0, 20);
if (files.length < 20) throw new Error(`expected 20 clips in ${DIR}, found ${files.length}`);
const clips = await Promise.all(files.map((f) => readAudioFile(join(DIR, f))));
const seconds = clips.reduce((s, x) => s + x.length, 0) / 16000;
console.log(`machine: ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)} (shared: timings vary with it)`);
console.log(`msir feature benchmark: ${clips.length} clips of RAVDESS actor 19, ${seconds.toFixed(1)} s of audio, single thread, best of ${MEL_ROUNDS} (log-Mel) / ${ROUNDS} (LLD) rounds`);

function time(label: string, rounds: number, fn: (x: Float32Array) => unknown): number {
  for (const x of clips.slice(0, 2)) fn(x); // warm-up: JIT and scratch buffers
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const x of clips) fn(x);
    best = Math.min(best, performance.now() - t0);
  }
  const msPerSec = best / seconds;
  console.log(
    `${label.padEnd(24)} ${best.toFixed(1).padStart(8)} ms total  ${msPerSec.toFixed(3).padStart(7)} ms per s of audio  real-time factor ${(msPerSec / 1000).toExponential(2)} (${(1000 / msPerSec).toFixed(0)}× faster than real time)`,
  );
  return msPerSec;
}

const logMel = new LogMel();
const mel = time('log-Mel + Δ', MEL_ROUNDS, (x) => logMel.compute(x));
console.log(`  goal ≤ 2 ms/s (2× python_speech_features' ~4 ms/s): ${mel <= 2 ? 'met' : 'NOT met'}`);

let lld: number | null = null;
try {
  extractLld(clips[0]!);
  lld = time('65 LLDs + Δ + Δ²', ROUNDS, (x) => extractLld(x));
} catch (err) {
  console.log(`65 LLDs + Δ + Δ²: not available (${err instanceof Error ? err.message : String(err)})`);
}
if (lld !== null) console.log(`  goal ≤ 13 ms/s (openSMILE SMILExtract incl. process start): ${lld <= 13 ? 'met' : 'NOT met'}`);
