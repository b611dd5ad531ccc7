// Pitch-group speed (not a test): `npx tsx tests/features/lld/pitch/bench.ts`. Same clip set as
// `npm run bench:features` (first 20 RAVDESS clips of actor 19, name order), single thread, best of
// N rounds (the machine is shared), wall and CPU time per second of audio, per stage.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readAudioFile } from '../../../../src/audio/node.ts';
import { frameCount } from '../../../../src/features/framing.ts';
import { computePitchGroupRaw, toOpenSmileScale } from '../../../../src/features/lld/pitch/index.ts';
import { PitchJitter } from '../../../../src/features/lld/pitch/jitter.ts';
import { N_CANDIDATES, ShsPitch } from '../../../../src/features/lld/pitch/shs.ts';
import { viterbiPitchStates } from '../../../../src/features/lld/pitch/viterbi.ts';

const DIR = resolve(import.meta.dirname, '../../../../../shared/corpora/ravdess/audio/Actor_19');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const files = readdirSync(DIR).filter((f) => f.endsWith('.flac')).sort().slice(0, 20);
const clips = await Promise.all(files.map((f) => readAudioFile(join(DIR, f))));
const seconds = clips.reduce((s, x) => s + x.length, 0) / 16000;

// Stage inputs, prepared once so each stage can be timed on its own.
const prepared = clips.map((x) => {
  const n = frameCount(x.length, 960, 160);
  const xs = toOpenSmileScale(x);
  const f0 = new Float64Array(n * N_CANDIDATES);
  const v = new Float64Array(n * N_CANDIDATES);
  const shs = new ShsPitch();
  for (let t = 0; t < n; t++) shs.analyse(xs, t * 160, f0, v, t * N_CANDIDATES);
  const raw = computePitchGroupRaw(x, n);
  const gated = Float64Array.from({ length: n }, (_, t) => raw[t * 6]!);
  return { x, xs, n, f0, v, gated };
});

function time(label: string, fn: () => void): void {
  fn();
  let wall = Infinity;
  let cpu = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const c = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall = Math.min(wall, performance.now() - t0);
    const d = process.cpuUsage(c);
    cpu = Math.min(cpu, (d.user + d.system) / 1000);
  }
  console.log(`${label.padEnd(30)} ${(wall / seconds).toFixed(2).padStart(6)} ms/s wall  ${(cpu / seconds).toFixed(2).padStart(6)} ms/s CPU`);
}

console.log(`pitch group benchmark: ${clips.length} clips, ${seconds.toFixed(1)} s of audio, best of ${ROUNDS} rounds`);
time('computePitchGroupRaw (all)', () => { for (const p of prepared) computePitchGroupRaw(p.x, p.n); });
time('  SHS candidates + RMS', () => {
  const shs = new ShsPitch();
  const f0 = new Float64Array(6);
  const v = new Float64Array(6);
  for (const p of prepared) for (let t = 0; t < p.n; t++) shs.analyse(p.xs, t * 160, f0, v);
});
time('  Viterbi', () => { for (const p of prepared) viterbiPitchStates(p.f0, p.v, p.n); });
time('  jitter/shimmer/HNR', () => {
  const out = new Float32Array(4);
  for (const p of prepared) {
    const j = new PitchJitter(p.xs);
    for (let t = 0; t < p.n; t++) j.process(t, p.gated[t]!, out, 0);
  }
});
