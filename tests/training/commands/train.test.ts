// `msir train` end to end on a tiny real corpus (EmoDB clips, tiny preset, 2 epochs): the model folder it
// writes records the options, `msir eval` reproduces its test metrics, and bad options fail clearly.
// Runs with the auxiliary and speaker-adversarial heads on, the path that maps clips to speakers, and a
// non-preset LLD pooling (--lld-pool), which the exported model must reproduce.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeToyCorpus, repoRoot } from '../toy-corpus.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'msir-train-cmd-'));
const corpus = path.join(tmp, 'toy');
const cacheDir = path.join(tmp, 'cache');
const out = path.join(tmp, 'model');
const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, [path.join(repoRoot, 'training/bin.mjs'), ...args], { cwd: repoRoot });
const quick = ['--preset', 'tiny', '--epochs', '2', '--batch', '8', '--micro-batch', '4', '--crop', '200', '--workers', '2', '--cache', cacheDir];
let stdout = '';

beforeAll(async () => {
  makeToyCorpus(corpus);
  ({ stdout } = await cli('train', '--corpus', corpus, '--out', out, '--seed', '2', '--aux-emotions', '0.5', '--aux-fraction', '1', '--adv-speakers', '0.3', '--lld-pool', '2', ...quick));
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('msir train', () => {
  it('writes a model folder whose manifest records the run, and says what it trains', () => {
    expect(stdout).toMatch(/^backend: wasm/m);
    expect(stdout).toContain('auxiliary head: 5 classes (angry, boredom, happy, neutral, sad), 2 extra training clips');
    expect(stdout).toContain('speaker-adversarial head: 2 training speakers, gradient reversal up to 0.3');
    const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(m.arch).toBe('msir');
    expect(m.training.seed).toBe(2);
    expect(m.training.clips).toEqual({ train: 16, val: 8, test: 8 });
    expect(m.training.auxiliary).toMatchObject({ weight: 0.5, fraction: 1, extraClips: 2 });
    expect(m.training.speakerAdversary).toEqual({ speakers: 2, weight: 0.3 });
    expect(m.training.epochsRun).toBe(2);
    expect(m.msir.config.lld.timePool).toBe(2); // --lld-pool over the tiny preset's 4
    const log = readFileSync(path.join(out, 'training-log.txt'), 'utf8').split('\n').filter((l) => l.startsWith('{'));
    expect(log).toHaveLength(2);
  });

  it('`msir eval` on the folder reproduces the test metrics in its manifest', async () => {
    const json = path.join(tmp, 'eval.json');
    await cli('eval', '--model', out, '--corpus', corpus, '--cache', cacheDir, '--json', json);
    const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    const r = JSON.parse(readFileSync(json, 'utf8'));
    expect(r.n).toBe(8);
    expect(r.summary.uar).toBeCloseTo(m.metrics.test.summary.uar, 6);
    expect(r.summary.f1 ?? NaN).toBeCloseTo(m.metrics.test.summary.f1 ?? NaN, 6);
  });

  it('refuses bad options before training, with the reason', async () => {
    const fails = async (args: string[], message: RegExp) => {
      await expect(cli('train', '--corpus', corpus, '--out', path.join(tmp, 'no'), ...quick, ...args)).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(message) });
    };
    await fails(['--adv-speakers=-1'], /--adv-speakers must be a non-negative reversal strength, got -1/);
    await fails(['--aux-emotions', 'x'], /--aux-emotions must be a non-negative loss weight/);
    await fails(['--lld-pool', '0'], /--lld-pool must be an integer in \[1, 16\], got 0/);
    await fails(['--backend', 'gpu'], /--backend must be auto, tensorflow, wasm or cpu \(got "gpu"\)/);
  });
});
