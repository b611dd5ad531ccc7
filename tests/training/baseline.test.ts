// A tiny real baseline run: real EmoDB clips in a temporary shared-layout corpus → trainLinear →
// model folder → loadPredictor / `msir eval` reproduce the trainer's test numbers.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMOTIONS } from '../../src/model/emotions.ts';
import { FUNCTIONALS_DIM } from '../../src/model/linear/functionals.ts';
import { loadPredictor } from '../../src/model/load.ts';
import { trainLinear, type TrainLinearResult } from '../../training/baseline/train.ts';
import { evaluateModel, type EvalOutput } from '../../training/commands/eval.ts';
import { makeToyCorpus, repoRoot } from './toy-corpus.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'msir-baseline-'));
const corpus = path.join(tmp, 'toy');
const modelDir = path.join(tmp, 'model');
const cacheDir = path.join(tmp, 'cache');
let trained: TrainLinearResult;

beforeAll(async () => {
  makeToyCorpus(corpus);
  trained = await trainLinear({ corpora: [corpus], out: modelDir, cacheDir, cGrid: [0.01, 1], workers: 2, log: () => {} });
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('linear baseline', () => {
  it('writes a loadable model folder with val thresholds and test metrics', async () => {
    expect(trained.manifest.training.clips).toEqual({ train: 16, val: 8, test: 8 });
    const manifest = JSON.parse(readFileSync(path.join(modelDir, 'manifest.json'), 'utf8'));
    expect(manifest.arch).toBe('linear');
    expect(manifest.thresholds).toHaveLength(4);
    expect(manifest.normalisation.functionals.mean).toHaveLength(FUNCTIONALS_DIM);
    expect(manifest.metrics.test.n).toBe(8);
    const predictor = await loadPredictor(modelDir);
    expect(predictor.manifest.name).toBe('model');
    expect(trained.val.n).toBe(8);
    expect(Object.keys(manifest.training.C)).toEqual([...EMOTIONS]);
  });

  it('evaluateModel reproduces the trainer test numbers and lists clips outside the 4 classes', async () => {
    const out: EvalOutput = await evaluateModel({ model: modelDir, corpora: [corpus], split: 'test', cacheDir });
    expect(out.n).toBe(8);
    expect(out.excluded).toEqual({ boredom: 1 });
    expect(out.summary.uar).toBeCloseTo(trained.test!.summary.uar, 10);
    expect(out.summary.f1).toBeCloseTo(trained.test!.summary.f1, 10);
    for (const e of EMOTIONS) expect(out.perEmotion[e].confusion).toEqual(trained.test!.perEmotion[e].confusion);
    for (const c of out.clips) {
      for (const e of EMOTIONS) expect(c.positive[e]).toBe(c.probabilities[e] >= out.thresholds[e]);
    }
  });

  it('with outOfSet, also runs the clips of other emotions and counts what fires on them, scores unchanged', async () => {
    const plain = await evaluateModel({ model: modelDir, corpora: [corpus], split: 'test', cacheDir });
    const out = await evaluateModel({ model: modelDir, corpora: [corpus], split: 'test', cacheDir, outOfSet: true });
    expect(plain.outOfSet).toBeUndefined();
    expect(out.summary).toEqual(plain.summary);
    expect(out.outOfSetClips).toHaveLength(1);
    const clip = out.outOfSetClips![0]!;
    expect(clip.emotion).toBe('boredom');
    expect('label' in clip).toBe(false);
    expect(out.outOfSet!.all.n).toBe(1);
    expect(Object.keys(out.outOfSet!.byEmotion)).toEqual(['boredom']);
    for (const e of EMOTIONS) {
      expect(clip.positive[e]).toBe(clip.probabilities[e] >= out.thresholds[e]);
      expect(out.outOfSet!.byEmotion.boredom!.fired[e]).toBe(clip.positive[e] ? 1 : 0);
    }
    expect(out.outOfSet!.all.none).toBe(EMOTIONS.some((e) => clip.positive[e]) ? 0 : 1);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(repoRoot, 'training/bin.mjs'), 'eval', '--model', modelDir, '--corpus', corpus, '--cache', cacheDir, '--out-of-set'],
      { cwd: repoRoot },
    );
    expect(stdout).toMatch(/^boredom\s+1\s+/m);
    expect(stdout).not.toContain('not scored');
  });

  it('SVM on ComParE 2016 and eGeMAPS-style functionals: the exported linear model reproduces the trainer in evaluateModel', async () => {
    for (const functionals of ['compare', 'egemaps'] as const) {
      const dir = path.join(tmp, `model-${functionals}`);
      const res = await trainLinear({ corpora: [corpus], out: dir, cacheDir, cGrid: [1e-4, 0.1], functionals, classifier: 'svm', workers: 2, log: () => {} });
      const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      expect(manifest.functionals).toBe(functionals);
      expect(manifest.normalisation.functionals.mean).toHaveLength(functionals === 'compare' ? 6373 : 66);
      expect(manifest.training.classifier).toMatch(/linear SVM/);
      expect(Object.keys(manifest.training.platt)).toEqual([...EMOTIONS]);
      for (const e of EMOTIONS) expect(manifest.training.platt[e].A).toBeGreaterThan(0);
      const out = await evaluateModel({ model: dir, corpora: [corpus], split: 'test', cacheDir });
      expect(out.summary.uar).toBeCloseTo(res.test!.summary.uar, 10);
      expect(out.summary.f1).toBeCloseTo(res.test!.summary.f1, 10);
      for (const e of EMOTIONS) expect(out.perEmotion[e].confusion).toEqual(res.test!.perEmotion[e].confusion);
    }
  }, 120_000);

  it('`msir eval` prints the table and writes the JSON report', async () => {
    const json = path.join(tmp, 'eval.json');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(repoRoot, 'training/bin.mjs'), 'eval', '--model', modelDir, '--corpus', corpus, '--cache', cacheDir, '--json', json],
      { cwd: repoRoot },
    );
    expect(stdout).toMatch(/happy\s+[\d.—]+/);
    expect(stdout).toContain('not scored (outside the 4 classes): 1 (boredom 1)');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.summary.uar).toBeCloseTo(trained.test!.summary.uar, 6);
    expect(report.summary.f1).toBeCloseTo(trained.test!.summary.f1, 6);
    expect(report.clips).toHaveLength(8);
    expect(Object.keys(report.clips[0].probabilities)).toEqual([...EMOTIONS]);
  });

  it('`msir eval` fails clearly on bad arguments', async () => {
    const run = promisify(execFile);
    await expect(run(process.execPath, [path.join(repoRoot, 'training/bin.mjs'), 'eval', '--corpus', corpus])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--model is required/),
    });
    await expect(run(process.execPath, [path.join(repoRoot, 'training/bin.mjs'), 'eval', '--model', path.join(tmp, 'nope'), '--corpus', corpus])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/manifest\.json/),
    });
  });
});
