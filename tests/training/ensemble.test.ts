// `msir ensemble` on a tiny real corpus: a linear baseline trained here + the shipped MSIR model →
// ensemble folder whose thresholds are chosen on val over the weighted mean, and whose test metrics
// `msir eval` reproduces through the real loader. When the shipped model is speaker-normalised, a linear
// model trained here cannot share its prior (fitted on the shipped model's training corpora): the
// ensemble must refuse that pair, and is built with the shipped default's own linear member instead.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseThresholds } from '../../src/eval/metrics.ts';
import { EMOTIONS } from '../../src/model/emotions.ts';
import { trainLinear } from '../../training/baseline/train.ts';
import { buildEnsemble, sameSpeakerNorm, type EnsembleResult } from '../../training/commands/ensemble.ts';
import { evaluateModel } from '../../training/commands/eval.ts';
import { makeToyCorpus, repoRoot } from './toy-corpus.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'msir-ens-cmd-'));
const corpus = path.join(tmp, 'toy');
const cacheDir = path.join(tmp, 'cache');
const linear = path.join(tmp, 'linear');
const readManifest = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
const DEFAULT = path.join(repoRoot, 'public/models/msir-default');
const defaultMembers = ((): string[] => {
  const m = readManifest(DEFAULT);
  return m.arch === 'ensemble' ? (m.ensemble.members as Array<{ folder: string }>).map((x) => path.join(DEFAULT, x.folder)) : [DEFAULT];
})();
// A shipped MSIR model: the default itself, or (the default being an ensemble) its first MSIR member.
const shipped = defaultMembers.find((d) => readManifest(d).arch === 'msir')!;
const shippedSpeakerNorm = readManifest(shipped).speakerNormalisation;
const out = path.join(tmp, 'ens');
let built: EnsembleResult;
/** The ensemble's linear member: the one trained here, unless the shipped model is speaker-normalised
 *  (then the shipped default's linear member, which shares its prior). */
let partner: string;
const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, [path.join(repoRoot, 'training/bin.mjs'), ...args], { cwd: repoRoot });

beforeAll(async () => {
  makeToyCorpus(corpus);
  // Members must agree on input level and speaker normalisation: train the linear one like the shipped MSIR member.
  const levelDb = readManifest(shipped).features.levelDb as number | undefined;
  const speakerNorm = shippedSpeakerNorm ? { priorFrames: shippedSpeakerNorm.priorFrames, activityDb: shippedSpeakerNorm.activityDb } : undefined;
  await trainLinear({ corpora: [corpus], out: linear, name: 'lin', cacheDir, cGrid: [0.1], workers: 2, levelDb, ...(speakerNorm ? { speakerNorm } : {}), log: () => {} });
  if (sameSpeakerNorm(readManifest(linear).speakerNormalisation, shippedSpeakerNorm)) partner = linear;
  else {
    const own = defaultMembers.find((d) => readManifest(d).arch === 'linear' && sameSpeakerNorm(readManifest(d).speakerNormalisation, shippedSpeakerNorm));
    if (!own) throw new Error('the shipped default is speaker-normalised but has no linear member sharing its normalisation');
    // A copy: the checks below point --out inside this member.
    partner = path.join(tmp, 'shipped-linear');
    cpSync(own, partner, { recursive: true });
  }
  built = await buildEnsemble({ members: [partner, shipped], weights: [1, 2], corpora: [corpus], out, cacheDir, workers: 2 });
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('msir ensemble', () => {
  it('copies the members and chooses thresholds on val over the weighted mean of their probabilities', async () => {
    const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    const [lin, msir] = [partner, shipped].map(readManifest);
    expect(m.arch).toBe('ensemble');
    // The branches any member has, in the canonical order (the shipped member may have no 'cr' branch).
    const branches = ['cr', 'lld', 'w2v'].filter((b) => lin.branches.includes(b) || msir.branches.includes(b));
    expect(branches).toContain('lld');
    expect(m.branches).toEqual(branches);
    expect(lin.arch).toBe('linear');
    expect(lin.inputs.lld).toBe('2d');
    expect(m.inputs.lld).toBe('2d'); // the first member (linear: LLD + Δ functionals) names the variant
    expect(m.inputs.logmel).toBe(msir.inputs.logmel); // only the shipped member can name it (undefined without a 'cr' branch)
    expect(m.features.levelDb).toBe(msir.features.levelDb);
    expect(sameSpeakerNorm(m.speakerNormalisation, msir.speakerNormalisation)).toBe(true);
    expect(m.ensemble.members).toEqual([{ folder: `members/${lin.name}`, weight: 1 }, { folder: `members/${msir.name}`, weight: 2 }]);
    if (partner === linear) expect(lin.name).toBe('lin');
    for (const mem of m.ensemble.members) expect(existsSync(path.join(out, mem.folder, 'manifest.json'))).toBe(true);
    const corpora = [...new Set([lin, msir].flatMap((x) => x.training.corpora.map((c: { name: string }) => c.name)))];
    expect(corpora).toEqual(expect.arrayContaining(['emodb', 'ravdess', ...(partner === linear ? ['toy'] : [])]));
    expect(m.training.corpora.map((c: { name: string }) => c.name).sort()).toEqual(corpora.sort());

    // Independently: each member's val probabilities, mixed 1:2, and the same threshold rule.
    const [a, b] = await Promise.all([partner, shipped].map((model) => evaluateModel({ model, corpora: [corpus], split: 'val', cacheDir })));
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
    await expect(buildEnsemble({ members: [partner, shipped], corpora: [corpus], out: precious, cacheDir })).rejects.toThrow(/refusing to overwrite/);
    expect(readFileSync(path.join(precious, 'notes.txt'), 'utf8')).toBe('keep me');
    await expect(buildEnsemble({ members: [linear, out], corpora: [corpus], out: path.join(tmp, 'y'), cacheDir })).rejects.toThrow(/itself an ensemble/);
    await expect(buildEnsemble({ members: [partner, shipped], corpora: [corpus], out: path.join(partner, 'sub'), cacheDir })).rejects.toThrow(/lies inside member/);
    const rawLinear = path.join(tmp, 'raw-linear');
    await trainLinear({ corpora: [corpus], out: rawLinear, cacheDir, cGrid: [0.1], workers: 2, levelDb: -30, log: () => {} });
    await expect(buildEnsemble({ members: [linear, rawLinear], corpora: [corpus], out: path.join(tmp, 'z'), cacheDir })).rejects.toThrow(/normalise input levels alike/);
    // A speaker-normalised shipped model and a linear one trained here on other speakers: different priors.
    if (partner !== linear) {
      await expect(buildEnsemble({ members: [linear, shipped], corpora: [corpus], out: path.join(tmp, 'w'), cacheDir })).rejects.toThrow(/must share one speaker normalisation/);
    }
  });
});
