// `msir protocol` end to end on two small real corpora (EmoDB speakers split in two) with the linear
// baseline's recipe: each corpus held out in turn and tested whole, then the in-corpus test split; the
// figures are those `msir eval` gives for the same model folders.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateModel } from '../../../training/commands/eval.ts';
import type { ProtocolResult } from '../../../training/commands/protocol.ts';
import { makeToyCorpus, repoRoot } from '../toy-corpus.ts';

const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync('node', [path.join(repoRoot, 'training/bin.mjs'), ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600_000 });

let dir = '';
let a = '';
let b = '';
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'msir-protocol-'));
  a = makeToyCorpus(path.join(dir, 'toya'), { emodb03: 'train', emodb10: 'train', emodb12: 'val', emodb15: 'test' }, 'toya');
  b = makeToyCorpus(path.join(dir, 'toyb'), { emodb08: 'train', emodb09: 'train', emodb13: 'val', emodb16: 'test' }, 'toyb');
});

describe('msir protocol', () => {
  it('holds each corpus out, tests it whole, then tests in-corpus, and matches msir eval', async () => {
    const json = path.join(dir, 'out.json');
    const r = cli(['protocol', '--recipe', 'training/recipes/baseline-linear.sh', '--corpus', a, '--corpus', b, '--work', path.join(dir, 'work'), '--json', json, '--cache', path.join(dir, 'cache'), '--backend', 'cpu'], { LINEAR_FLAGS: '--speaker-norm on' });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const out = JSON.parse(readFileSync(json, 'utf8')) as ProtocolResult;
    expect(out.folds.map((f) => f.name)).toEqual(['toyb→toya', 'toya→toyb', 'in-corpus']);
    // held-out corpora are tested whole: 4 speakers × 4 emotions × 2 clips; in-corpus: the 2 test speakers
    expect(out.folds.map((f) => f.report.n)).toEqual([32, 32, 16]);
    expect(out.reproduce).toContain('LINEAR_FLAGS=');
    expect(out.cross!.uar).toBeCloseTo((out.folds[0]!.report.summary.uar + out.folds[1]!.report.summary.uar) / 2, 9);
    const manifest = JSON.parse(readFileSync(path.join(out.folds[1]!.model, 'manifest.json'), 'utf8')) as { speakerNormalisation?: unknown; training: { corpora: Array<{ name: string }> } };
    expect(manifest.training.corpora.map((c) => c.name)).toEqual(['toya']);
    expect(manifest.speakerNormalisation).toBeDefined();
    const ev = await evaluateModel({ model: out.folds[1]!.model, corpora: [b], split: 'all', cacheDir: path.join(dir, 'cache') });
    expect(ev.summary.uar).toBeCloseTo(out.folds[1]!.report.summary.uar, 9);
    expect(out.folds[1]!.clips.map((c) => c.p[0])).toEqual(ev.clips.map((c) => Number(c.probabilities.happy.toPrecision(6))));
    // the printed table names every fold and the cross-corpus mean
    expect(r.stdout).toMatch(/\| \*\*toya→toyb\*\* \| 32 \| \*\*mean\*\*/);
    expect(r.stdout).toMatch(/Cross-corpus mean \(2 folds\): UAR/);
  });

  it('reports a failing recipe with its log, and refuses bad arguments', () => {
    const bad = path.join(dir, 'bad.sh');
    writeFileSync(bad, 'echo "training exploded" >&2; exit 3\n');
    const r = cli(['protocol', '--recipe', bad, '--corpus', a, '--corpus', b, '--work', path.join(dir, 'badwork'), '--folds', 'cross']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/recipe .*bad\.sh failed \(exit 3\) on toyb; log: .*train-toyb\.log/);
    expect(cli(['protocol', '--recipe', bad, '--corpus', a]).status).toBe(2);
    expect(cli(['protocol', '--recipe', bad, '--corpus', a, '--corpus', b, '--folds', 'sideways']).stderr).toMatch(/--folds must list cross/);
  });
});
