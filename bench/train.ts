// `npm run bench:train`: ms per training step (forward + backward + Adam) of the default CPU model
// (preset cpu, branches cr+lld) on a fixed batch of random inputs: 16 clips × 400 frames (4 s).
// Prints the backend, median wall and CPU ms per step, and the per-clip cost.
// --anchor: then runs bench/anchor/train_step.py (PyTorch, same config, batch and frames) in the same run
// and prints the ratio (the goal: tfjs ≤ 2× PyTorch CPU). Needs python3 with torch; says so if missing.
// The reference size: -- --conv 32,64 --lstm 64 --time-pool 1 --lld-pool 1 --batch 32 --frames 300 --anchor
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { initBackend, type BackendChoice } from '../training/backend/index.ts';
import { MsirGraph, initWeights } from '../src/model/graph.ts';
import { buildMsirModel } from '../src/model/msir.ts';
import { focalLoss } from '../src/model/losses.ts';
import { makeConfig, type PresetName } from '../src/model/presets.ts';
import type { Branch } from '../src/model/manifest.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'auto' },
    preset: { type: 'string', default: 'cpu' },
    branches: { type: 'string', default: 'cr,lld' },
    batch: { type: 'string', default: '16' },
    frames: { type: 'string', default: '400' },
    steps: { type: 'string', default: '5' },
    // Override the preset (e.g. the reference model: --conv 32,64 --lstm 64 --time-pool 1 --lld-pool 1)
    conv: { type: 'string' },
    lstm: { type: 'string' },
    'time-pool': { type: 'string' },
    'lld-pool': { type: 'string' },
    anchor: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const backend = await initBackend(values.backend as BackendChoice);
const B = Number(values.batch);
const T = Number(values.frames);
const cfg = makeConfig(values.preset as PresetName, values.branches!.split(',') as Branch[]);
if (values.conv) cfg.cr.convFilters = values.conv.split(',').map(Number);
if (values.lstm) cfg.cr.lstmUnits = cfg.lld.lstmUnits = cfg.w2v.lstmUnits = Number(values.lstm);
if (values['time-pool']) cfg.cr.timePool = Number(values['time-pool']);
if (values['lld-pool']) cfg.lld.timePool = cfg.w2v.timePool = Number(values['lld-pool']);
const model = buildMsirModel(cfg, 1);
initWeights(model, 1);
const graph = new MsirGraph(model, cfg);
const opt = tf.train.adam(1e-3);
const lengths = Array.from({ length: B }, (_, i) => T - (i % 4) * 8); // a little padding, as real batches have
const batch = {
  logmel: tf.randomNormal([B, T, 40, 2], 0, 1, 'float32', 1) as tf.Tensor4D,
  logmelLengths: lengths,
  lld: tf.randomNormal([B, T, 195], 0, 1, 'float32', 2) as tf.Tensor3D,
  lldLengths: lengths,
  ...(cfg.branches.includes('w2v')
    ? { w2v: tf.randomNormal([B, T / 2, cfg.inputs.w2vHidden], 0, 1, 'float32', 3) as tf.Tensor3D, w2vLengths: lengths.map((l) => Math.floor(l / 2)) }
    : {}),
};
const y = tf.oneHot(tf.tensor1d(Array.from({ length: B }, (_, i) => i % 4), 'int32'), 4).toFloat() as tf.Tensor2D;
const wall: number[] = [];
const cpu: number[] = [];
const steps = Number(values.steps);
for (let s = 0; s <= steps; s++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const loss = opt.minimize(() => focalLoss(graph.forward(batch, true, s).logits, y), true, graph.trainable);
  loss?.dataSync();
  loss?.dispose();
  const c = process.cpuUsage(c0);
  if (s > 0) {
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
}
const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
const [load1] = (await import('node:os')).loadavg();
console.log(`backend ${backend}; preset ${values.preset} (conv ${cfg.cr.convFilters.join('/')}, LSTM ${cfg.cr.lstmUnits}, time pool cr ×${2 ** cfg.cr.convFilters.length * cfg.cr.timePool} lld ×${cfg.lld.timePool}), branches ${cfg.branches.join('+')}, batch ${B} × ${T} frames; ${steps} steps after 1 warm-up`);
console.log(`ms/step: median wall ${median(wall).toFixed(0)} (min ${Math.min(...wall).toFixed(0)}), median CPU ${median(cpu).toFixed(0)}; per clip ${(median(wall) / B).toFixed(1)} ms wall`);
console.log(`load average (1 min) ${load1!.toFixed(2)} on ${(await import('node:os')).availableParallelism()} cores`);

type Anchor = { torch: string; threads: number; medianWallMs: number; minWallMs: number; medianCpuMs: number };
let anchor: Anchor | null = null;
if (values.anchor) {
  const script = new URL('./anchor/train_step.py', import.meta.url).pathname;
  const r = spawnSync('python3', [script, '--config', JSON.stringify(cfg), '--batch', String(B), '--frames', String(T), '--steps', String(steps)], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`anchor: PyTorch step not measured (${(r.stderr || r.error?.message || 'python3 failed').trim().split('\n').at(-1)})`);
  } else {
    const a = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Anchor;
    anchor = a;
    const [load2] = (await import('node:os')).loadavg();
    console.log(`anchor, same run: PyTorch ${a.torch} CPU (${a.threads} threads), same config/batch/frames, no masking: median wall ${a.medianWallMs.toFixed(0)} ms (min ${a.minWallMs.toFixed(0)}), CPU ${a.medianCpuMs.toFixed(0)} ms; load ${load2!.toFixed(2)}`);
    console.log(`tfjs / PyTorch (median wall): ${(median(wall) / a.medianWallMs).toFixed(2)}× (goal ≤ 2×)`);
  }
}
if (values.json) {
  const { writeFile } = await import('node:fs/promises');
  const args = process.argv.slice(2).filter((a, i, all) => a !== '--json' && all[i - 1] !== '--json');
  await writeFile(
    values.json,
    JSON.stringify({ date: new Date().toISOString(), args, backend, config: cfg, batch: B, frames: T, steps, medianWallMs: median(wall), minWallMs: Math.min(...wall), medianCpuMs: median(cpu), loadavg: load1, anchor }, null, 2),
  );
}
