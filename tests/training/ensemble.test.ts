// `msir ensemble` on a tiny real corpus: a linear baseline trained here + the shipped MSIR model →
// ensemble folder whose thresholds are chosen on val over the weighted mean, and whose test metrics
// `msir eval` reproduces through the real loader.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseThresholds } from '../../src/eval/metrics.ts';
import { EMOTIONS } from '../../src/model/emotions.ts';
import { trainLinear } from '../../training/baseline/train.ts';
import { buildEnsemble, type EnsembleResult } from '../../training/commands/ensemble.ts';
import { evaluateModel } from '../../training/commands/eval.ts';
import { makeToyCorpus, repoRoot } from './toy-corpus.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'msir-ens-cmd-'));
const corpus = path.join(tmp, 'toy');
const cacheDir = path.join(tmp, 'cache');
const linear = path.join(tmp, 'linear');
const readManifest = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
// A shipped MSIR model: the default itself, or (the default being an ensemble) its first MSIR member.
const shipped = ((): string => {
  const dir = path.join(repoRoot, 'public/models/msir-default');
  const m = readManifest(dir);
  if (m.arch !== 'ensemble') return dir;
  return (m.ensemble.members as Array<{ folder: string }>).map((x) => path.join(dir, x.folder)).find((d) => readManifest(d).arch === 'msir')!;
})();
const out = path.join(tmp, 'ens');
let built: EnsembleResult;
const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, [path.join(repoRoot, 'training/bin.mjs'), ...args], { cwd: repoRoot });

beforeAll(async () => {
  makeToyCorpus(corpus);
  // Members must agree on input level normalisation: train the linear one like the shipped MSIR member.
  const levelDb = readManifest(shipped).features.levelDb as number | undefined;
  await trainLinear({ corpora: [corpus], out: linear, name: 'lin', cacheDir, cGrid: [0.1], workers: 2, levelDb, log: () => {} });
  built = await buildEnsemble({ members: [linear, shipped], weights: [1, 2], corpora: [corpus], out, cacheDir, workers: 2 });
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('msir ensemble', () => {
  it('copies the members and chooses thresholds on val over the weighted mean of their probabilities', async () => {
    const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(m.arch).toBe('ensemble');
    expect(m.branches).toEqual(['cr', 'lld']);
    expect(m.inputs.lld).toBe('2d'); // the first member (linear: LLD + Δ functionals) names the variant
    const shippedName = readManifest(shipped).name as string;
    expect(m.ensemble.members).toEqual([{ folder: 'members/lin', weight: 1 }, { folder: `members/${shippedName}`, weight: 2 }]);
    for (const mem of m.ensemble.members) expect(existsSync(path.join(out, mem.folder, 'manifest.json'))).toBe(true);
    expect(m.training.corpora.map((c: { name: string }) => c.name).sort()).toEqual(['emodb', 'ravdess', 'toy'].sort());

    // Independently: each member's val probabilities, mixed 1:2, and the same threshold rule.
    const [a, b] = await Promise.all([linear, shipped].map((model) => evaluateModel({ model, corpora: [corpus], split: 'val', cacheDir })));
    expect(a!.clips.map((c) => c.id)).toEqual(b!.clips.map((c) => c.id));
    const mean = a!.clips.map((c, i) => EMOTIONS.map((e) => (c.probabilities[e] + 2 * b!.clips[i]!.probabilities[e]) / 3));
    const expected = chooseThresholds(mean, a!.clips.map((c) => c.label));
    m.emotions.forEach((e: (typeof EMOTIONS)[number], k: number) => expect(m.thresholds[k]).toBeCloseTo(expected[EMOTIONS.indexOf(e)]!, 6));
    expect(m.metrics.val.n).toBe(8);
    expect(m.metrics.test.n).toBe(8);
  });

  it('`msir eval` of the ensemble folder reproduces its test metrics', async () => {
    const json = path.join(tmp, 'eval.json');
    const { stdout } = await cli('eval', '--model', out, '--corpus', corpus, '--cache', cacheDir, '--json', json);
    expect(stdout).toContain('(ensemble)');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.summary.uar).toBeCloseTo(built.test!.summary.uar, 6);
    expect(report.summary.f1).toBeCloseTo(built.test!.summary.f1, 6);
    for (const e of EMOTIONS) expect(report.perEmotion[e].confusion).toEqual(built.test!.perEmotion[e].confusion);
  });

  it('fails clearly on bad arguments and never overwrites a folder that is not a model', async () => {
    await expect(cli('ensemble', '--member', linear, '--corpus', corpus, '--out', path.join(tmp, 'x'))).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/at least two --member/),
    });
    await expect(cli('ensemble', '--member', linear, '--member', shipped, '--weights', '1,0', '--corpus', corpus, '--out', path.join(tmp, 'x'))).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--weights must list 2 positive numbers/),
    });
    const precious = path.join(tmp, 'precious');
    mkdirSync(precious);
    writeFileSync(path.join(precious, 'notes.txt'), 'keep me');
    await expect(buildEnsemble({ members: [linear, shipped], corpora: [corpus], out: precious, cacheDir })).rejects.toThrow(/refusing to overwrite/);
    expect(readFileSync(path.join(precious, 'notes.txt'), 'utf8')).toBe('keep me');
    await expect(buildEnsemble({ members: [linear, out], corpora: [corpus], out: path.join(tmp, 'y'), cacheDir })).rejects.toThrow(/itself an ensemble/);
    await expect(buildEnsemble({ members: [linear, shipped], corpora: [corpus], out: path.join(linear, 'sub'), cacheDir })).rejects.toThrow(/lies inside member/);
    const rawLinear = path.join(tmp, 'raw-linear');
    await trainLinear({ corpora: [corpus], out: rawLinear, cacheDir, cGrid: [0.1], workers: 2, levelDb: -30, log: () => {} });
    await expect(buildEnsemble({ members: [linear, rawLinear], corpora: [corpus], out: path.join(tmp, 'z'), cacheDir })).rejects.toThrow(/normalise input levels alike/);
  });
});
