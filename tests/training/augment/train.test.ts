// `msir train --augment` end to end on the tiny EmoDB toy corpus: the MSIR path (tiny preset, 2 epochs)
// and the linear baseline train with augmented copies, record the spec in the manifest, and the feature
// cache keeps one folder per (spec, seed, copy): reused by the other architecture and by a larger copy
// count, new for another spec or seed.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeToyCorpus, repoRoot } from '../toy-corpus.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'msir-augment-'));
const corpus = path.join(tmp, 'toy');
const cacheDir = path.join(tmp, 'cache');
const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, [path.join(repoRoot, 'training/bin.mjs'), ...args], { cwd: repoRoot });
const common = ['--corpus', corpus, '--workers', '2', '--cache', cacheDir, '--seed', '2'];
const quick = ['--preset', 'tiny', '--epochs', '2', '--batch', '8', '--micro-batch', '4', '--crop', '200', ...common];
const folders = (): string[] => readdirSync(cacheDir).filter((n) => n.startsWith('features-')).sort();
const SPEC = '2,reverb,white,pink,babble,telephone,snr=0-20';
let msir = { stdout: '', stderr: '' };

beforeAll(async () => {
  makeToyCorpus(corpus);
  msir = await cli('train', '--out', path.join(tmp, 'msir'), '--augment', '2', ...quick);
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('msir train --augment', () => {
  it('trains MSIR on each clip or one of its 2 augmented copies and records the spec', () => {
    expect(msir.stdout).toContain(`augment copy 1 of 2 (${SPEC}): 16 of 16 training clips`);
    expect(msir.stdout).toContain(`augment copy 2 of 2 (${SPEC}): 16 of 16 training clips`);
    const m = JSON.parse(readFileSync(path.join(tmp, 'msir', 'manifest.json'), 'utf8'));
    expect(m.training.augment).toBe(`${SPEC},seed=2`);
    expect(m.training.clips).toEqual({ train: 16, val: 8, test: 8 });
    expect(m.training.epochsRun).toBe(2);
    expect(m.metrics.test.n).toBe(8);
    // The clean features and one folder per augmented copy.
    expect(folders()).toHaveLength(3);
  });

  it('trains the linear baseline with the copies as extra rows, from the same cached copies, reproducibly', async () => {
    const before = folders();
    const a = await cli('train', '--arch', 'svm', '--out', path.join(tmp, 'svm-a'), '--augment', '2', ...common);
    expect(a.stdout).toContain(`baseline: augment copy 2 of 2 (${SPEC}): 16 extra training rows`);
    // Same spec, seed and clips: nothing extracted again (the babble pool is the same train clips).
    expect(a.stderr).not.toMatch(/\(([1-9]\d*) extracted/);
    expect(folders()).toEqual(before);
    const m = JSON.parse(readFileSync(path.join(tmp, 'svm-a', 'manifest.json'), 'utf8'));
    expect(m.training.augment).toBe(`${SPEC},seed=2`);
    expect(m.training.augmentedRows).toBe(32);
    expect(m.training.clips).toEqual({ train: 16, val: 8, test: 8 });
    await cli('train', '--arch', 'svm', '--out', path.join(tmp, 'svm-b'), '--augment', '2', ...common);
    expect(readFileSync(path.join(tmp, 'svm-b', 'linear.json'), 'utf8')).toBe(readFileSync(path.join(tmp, 'svm-a', 'linear.json'), 'utf8'));
  }, 120_000);

  it('keys the cache by the spec and seed: a third copy or another spec or seed gets new folders, copies 1-2 are reused', async () => {
    const base = folders();
    await cli('train', '--arch', 'svm', '--out', path.join(tmp, 'svm-3'), '--augment', '3', ...common);
    const three = folders();
    expect(three).toHaveLength(base.length + 1);
    await cli('train', '--arch', 'svm', '--out', path.join(tmp, 'svm-t'), '--augment', 'telephone', ...common);
    expect(folders()).toHaveLength(three.length + 1);
    await cli('train', '--arch', 'svm', '--out', path.join(tmp, 'svm-s'), '--augment', '1,seed=7', ...common);
    expect(folders()).toHaveLength(three.length + 2);
  }, 180_000);

  it('refuses a bad spec before training, with the reason', async () => {
    await expect(cli('train', '--out', path.join(tmp, 'no'), '--augment', '2,echo', ...quick)).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/--augment 2,echo: unknown item "echo"/) });
    const { stdout } = await cli('train', '--help');
    expect(stdout).toContain('--augment SPEC');
  });
});
