// The fuzz recipe (issue #19): every target of training/fuzz at --cases each (default 10,000), seeded,
// with a per-case time bound and a watchdog that names a hanging case. Prints per target: cases,
// outcomes, failures and their distinct kinds, max and mean time per case; writes the figures and the
// findings list to docs/experiments/fuzz.json (rendered into docs/experiments.md by experiments:doc).
//   npm run fuzz -- [--cases N] [--seed S] [--targets a,b] [--out FILE] [--max-sec S]
// With --targets, the other targets' figures already in FILE are kept (a rerun after a fix replaces
// only what it ran).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { FINDINGS } from '../fuzz/findings.ts';
import { buildTarget, TARGET_NAMES, type TargetName } from '../fuzz/index.ts';
import { formatReport, runTarget, type TargetReport } from '../fuzz/target.ts';

export interface FuzzRun {
  date: string;
  commit: string;
  command: string;
  machine: string;
  casesPerTarget: number;
  seed: number;
  totalSec: number;
  targets: TargetReport[];
  findings: typeof FINDINGS;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** A thread that is not blocked when a case is: exits the recipe naming the case after `sec` silent seconds. */
function startWatchdog(sec: number): { beat(description: string): void; stop(): void } {
  const shared = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const beat = new Int32Array(workerData.buf); let current = '';
     parentPort.on('message', (d) => { current = d; });
     setInterval(() => {
       const now = Math.floor(Date.now() / 1000);
       if (now - Atomics.load(beat, 0) > workerData.sec) {
         process.stderr.write('fuzz watchdog: no case finished for ' + workerData.sec + ' s; hanging case: ' + current + '\\n');
         process.exit(3);
       }
     }, 1000);`,
    { eval: true, workerData: { buf: shared.buffer, sec } },
  );
  worker.unref();
  const beat = (description: string): void => {
    Atomics.store(shared, 0, Math.floor(Date.now() / 1000));
    worker.postMessage(description);
  };
  beat('(start)');
  return { beat, stop: () => void worker.terminate() };
}

async function main(): Promise<void> {
  const cases = Number(arg('cases', '10000'));
  const seed = Number(arg('seed', '19'));
  const out = arg('out', 'docs/experiments/fuzz.json');
  const maxSec = Number(arg('max-sec', '30'));
  const names = arg('targets', TARGET_NAMES.join(',')).split(',') as TargetName[];
  for (const n of names) if (!TARGET_NAMES.includes(n)) throw new Error(`unknown target ${n} (targets: ${TARGET_NAMES.join(', ')})`);
  if (!(cases > 0) || !Number.isInteger(seed)) throw new Error('--cases must be positive and --seed an integer');
  // The code under test: taken now, before commits made while the recipe runs.
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  await tf.setBackend('cpu'); // the linear member needs no tensors; keep tfjs quiet and deterministic
  // A --targets run adds to (or replaces in) the figures already in `out`; they are read once, here.
  const previous = names.length < TARGET_NAMES.length && existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as FuzzRun) : null;
  const kept = (previous?.targets ?? []).filter((t) => !names.includes(t.target as TargetName));
  const watchdog = startWatchdog(60);
  const reports: TargetReport[] = [];
  const t0 = performance.now();
  /** Written after every target, so a run cut short keeps what it finished. */
  const write = (): number => {
    const totalSec = Math.round((performance.now() - t0) / 1000);
    const all = [...kept, ...reports].sort((a, b) => TARGET_NAMES.indexOf(a.target as TargetName) - TARGET_NAMES.indexOf(b.target as TargetName));
    const run: FuzzRun = {
      date: new Date().toISOString().slice(0, 10),
      commit,
      command: [previous && kept.length ? `${previous.command}; ` : '', `npm run fuzz -- --cases ${cases} --seed ${seed}`, maxSec !== 30 ? ` --max-sec ${maxSec}` : '', names.length < TARGET_NAMES.length ? ` --targets ${names.join(',')}` : ''].join(''),
      machine: `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
      casesPerTarget: cases,
      seed,
      totalSec: totalSec + (kept.length ? (previous?.totalSec ?? 0) : 0),
      targets: all,
      findings: FINDINGS,
    };
    writeFileSync(out, `${JSON.stringify(run, null, 1)}\n`);
    return totalSec;
  };
  for (const name of names) {
    const target = await buildTarget(name, { maxSec });
    const tt = performance.now();
    const report = await runTarget(target, {
      cases,
      seed,
      onStart: (_, d) => watchdog.beat(`${name}: ${d}`),
      onCase: (i) => {
        watchdog.beat(`${name}: between cases`);
        if ((i + 1) % 1000 === 0) process.stderr.write(`  ${name}: ${i + 1}/${cases}\n`);
      },
    });
    await target.dispose?.();
    reports.push(report);
    write();
    console.log(`${formatReport(report)}\n  (${((performance.now() - tt) / 1000).toFixed(0)} s)`);
  }
  watchdog.stop();
  const totalSec = write();
  console.log('\ntarget           cases   ok      expected  failures  kinds  max ms CPU  max ms wall  mean ms wall');
  for (const r of reports) {
    const expected = Object.values(r.expected).reduce((a, b) => a + b, 0);
    console.log(`${r.target.padEnd(16)} ${String(r.cases).padStart(6)}  ${String(r.ok).padStart(6)}  ${String(expected).padStart(8)}  ${String(r.failures).padStart(8)}  ${String(r.kinds.length).padStart(5)}  ${String(r.maxCpuMs).padStart(10)}  ${String(r.maxMs).padStart(11)}  ${String(r.meanMs).padStart(12)}`);
  }
  console.log(`\nfound on the way: ${FINDINGS.length} (${FINDINGS.filter((f) => f.status === 'fixed').length} fixed with regression tests, ${FINDINGS.filter((f) => f.status === 'explained').length} explained)`);
  console.log(`wrote ${out} (${totalSec} s)`);
  const failed = reports.reduce((n, r) => n + r.failures, 0);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(2);
});
