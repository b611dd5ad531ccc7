// Trains the linear baselines as the paper's references: utterance functionals (the project's set, the
// ComParE 2016 set or the eGeMAPS-style set: src/model/linear/sets.ts) → z-score (train split) →
// class-balanced L2 logistic regression or linear SVM per emotion, C chosen per emotion on val (UAR at
// the val-chosen threshold). An SVM's decision value is Platt-scaled on val (sigmoid(A·f + B), folded into
// the weights), so both export the same arch 'linear' model: manifest.json + linear.json.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clip } from '../../src/eval/corpus/index.ts';
import { chooseThresholds, evaluate, type EvalReport } from '../../src/eval/metrics.ts';
import { LLD_COUNT, LOGMEL_BANDS } from '../../src/features/types.ts';
import { EMOTIONS, type Emotion } from '../../src/model/emotions.ts';
import type { ModelManifest } from '../../src/model/manifest.ts';
import type { FunctionalsSetName } from '../../src/model/manifest.ts';
import { FUNCTIONAL_NAMES } from '../../src/model/linear/functionals.ts';
import { compareFunctionalNames } from '../../src/model/linear/compare.ts';
import { EGEMAPS_MISSING, EGEMAPS_NAMES } from '../../src/model/linear/egemaps.ts';
import { functionalsSet } from '../../src/model/linear/sets.ts';
import { LINEAR_WEIGHTS_FILE, linearForward, type LinearWeights } from '../../src/model/linear/model.ts';
import { extractAll } from '../data/cache.ts';
import { formatAugmentSpec, type AugmentSpec } from '../augment/index.ts';
import { fitSpeakerNorm, speakerNormalised, type SpeakerNormOptions } from '../data/speaker-norm.ts';
import { labelled, loadCorpora } from '../data/corpus.ts';
import { balancedWeights, fitLogistic } from './logreg.ts';
import { fitSvm, svmDecision } from './svm.ts';
import { corpusLicence, gitCommit } from '../provenance.ts';
import { mulberry32 } from '../train/rng.ts';

export interface TrainLinearOptions {
  corpora: string[];
  /** Model folder to write (created). */
  out: string;
  name?: string;
  cacheDir?: string;
  workers?: number;
  /** Regularisation grid (liblinear's C); default 10^-4 … 10^1 (logistic), 10^-5 … 10^1 (SVM). */
  cGrid?: number[];
  /** Utterance functionals (default 'project': 65 LLDs + Δ × 10 functionals). */
  functionals?: FunctionalsSetName;
  /** 'logreg' (default) = L2 logistic regression; 'svm' = L2-regularised L2-loss linear SVM (dual CD). */
  classifier?: 'logreg' | 'svm';
  /** Active speech level (dBFS) every clip is scaled to before feature extraction; undefined = raw audio. */
  levelDb?: number;
  /** Speaker normalisation of the LLD frames before the functionals (statistics per speaker). */
  speakerNorm?: SpeakerNormOptions;
  /** Augmented copies of every training clip as extra training rows (training/augment/index.ts); the
   *  draws use spec.seed, else `seed`. */
  augment?: AugmentSpec;
  /** Used only to pick validation speakers when a corpus has no val split (e.g. IEMOCAP). */
  seed?: number;
  log?: (line: string) => void;
}

export interface TrainLinearResult {
  manifest: ModelManifest;
  val: EvalReport;
  test: EvalReport | null;
  seconds: { features: number; fit: number };
}



type LabelledClip = Clip & { label: Emotion };

/** Train/val/test by the corpora's split; a corpus without val gives ~1/8 of its train speakers to val. */
export function splitClips(clips: LabelledClip[], seed: number): { train: LabelledClip[]; val: LabelledClip[]; test: LabelledClip[] } {
  const train = clips.filter((c) => c.split === 'train');
  const val = clips.filter((c) => c.split === 'val');
  const test = clips.filter((c) => c.split === 'test');
  const corpora = [...new Set(train.map((c) => c.corpus))];
  const rand = mulberry32(seed);
  const moved = new Set<string>();
  for (const corpus of corpora) {
    if (val.some((c) => c.corpus === corpus)) continue;
    const speakers = [...new Set(train.filter((c) => c.corpus === corpus).map((c) => c.speaker))].sort();
    const k = Math.max(1, Math.round(speakers.length / 8));
    if (speakers.length < 2) continue;
    for (let i = 0; i < k; i++) {
      const idx = Math.floor(rand() * speakers.length);
      moved.add(speakers.splice(idx, 1)[0]);
    }
  }
  return {
    train: train.filter((c) => !moved.has(c.speaker)),
    val: [...val, ...train.filter((c) => moved.has(c.speaker))],
    test,
  };
}

/** Column means and stds (population); near-constant columns get std 1 so they stay finite. */
export function fitZScore(rows: Float32Array[], dim: number): { mean: number[]; std: number[] } {
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (const r of rows) for (let j = 0; j < dim; j++) mean[j] += r[j];
  for (let j = 0; j < dim; j++) mean[j] /= rows.length;
  for (const r of rows) for (let j = 0; j < dim; j++) sq[j] += (r[j] - mean[j]) ** 2;
  const std = Array.from(sq, (v, j) => {
    const s = Math.sqrt(v / rows.length);
    return Number.isFinite(s) && s > 1e-8 * Math.max(1, Math.abs(mean[j])) ? s : 1;
  });
  return { mean: Array.from(mean), std };
}

function design(rows: Float32Array[], norm: { mean: number[]; std: number[] }, d: number): Float64Array {
  const X = new Float64Array(rows.length * d);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) X[i * d + j] = (r[j] - norm.mean[j]) / norm.std[j];
  });
  return X;
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '—');

export async function trainLinear(opts: TrainLinearOptions): Promise<TrainLinearResult> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const classifier = opts.classifier ?? 'logreg';
  const set = functionalsSet(opts.functionals);
  const cGrid = opts.cGrid ?? (classifier === 'svm' ? [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10] : [1e-4, 1e-3, 1e-2, 1e-1, 1, 10]);
  const seed = opts.seed ?? 1;
  const all = labelled(await loadCorpora(opts.corpora)) as LabelledClip[];
  const { train, val, test } = splitClips(all, seed);
  if (train.length === 0) throw new Error('no training clips (no clip has split "train" in the 4-class subset)');
  if (val.length === 0) throw new Error('no validation clips: need a val split or several train speakers');
  log(`baseline: ${set.label} → ${classifier === 'svm' ? 'linear SVM' : 'logistic regression'}`);
  log(`baseline: ${train.length} train, ${val.length} val, ${test.length} test clips (4-class subset)`);

  let t0 = performance.now();
  let feats = await extractAll([...train, ...val, ...test], { cacheDir: opts.cacheDir, workers: opts.workers, levelDb: opts.levelDb });
  const speakerNorm = opts.speakerNorm ? fitSpeakerNorm(train, feats, opts.speakerNorm) : undefined;
  if (speakerNorm) feats = speakerNormalised(speakerNorm, [...train, ...val, ...test], feats);
  const featureSec = (performance.now() - t0) / 1000;
  const keep = (cs: LabelledClip[]): LabelledClip[] => cs.filter((c) => feats.has(c.id));
  const [tr, va, te] = [keep(train), keep(val), keep(test)];
  const fx = (cs: LabelledClip[]): Float32Array[] => cs.map((c) => set.compute(feats.get(c.id)!.features));
  // Augmented copies of the training clips: extra training rows with the clip's label (val and test never);
  // the z-score below stays fitted on the clean rows, as the MSIR path normalises its copies.
  const augRows: Float32Array[] = [];
  const augLabels: Emotion[] = [];
  for (let copy = 0; opts.augment && copy < opts.augment.copies; copy++) {
    const ta = performance.now();
    let fa = await extractAll(tr, { cacheDir: opts.cacheDir, workers: opts.workers, levelDb: opts.levelDb, augment: { spec: opts.augment, seed: opts.augment.seed ?? seed, copy, pool: tr } });
    if (speakerNorm) fa = speakerNormalised(speakerNorm, tr, fa);
    for (const c of tr) {
      const f = fa.get(c.id);
      if (f) {
        augRows.push(set.compute(f.features));
        augLabels.push(c.label);
      }
    }
    log(`baseline: augment copy ${copy + 1} of ${opts.augment.copies} (${formatAugmentSpec(opts.augment)}): ${fa.size} extra training rows (${((performance.now() - ta) / 1000).toFixed(0)} s)`);
  }
  const trLabels = [...tr.map((c) => c.label), ...augLabels];

  t0 = performance.now();
  const Ftr = fx(tr);
  const Fva = fx(va);
  const Fte = fx(te);
  const d = set.dim;
  const norm = fitZScore(Ftr, d);
  const Xtr = design([...Ftr, ...augRows], norm, d);
  const Xva = design(Fva, norm, d);
  const weights: number[][] = [];
  const bias: number[] = [];
  const chosenC: number[] = [];
  const grid: Record<string, Record<string, number>> = {};
  const platt: Record<string, { A: number; B: number }> = {};
  const svmIters: Record<string, number> = {};
  const svmNotConverged: Record<string, number[]> = {};
  // dual coordinate descent passes: cheap when the design is small, so allow many more there
  const svmMaxIter = Math.max(2000, Math.floor(5e9 / Math.max(1, trLabels.length * d)));
  const valScore = (X: Float64Array, n: number, w: Float64Array, b: number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let z = b;
      for (let j = 0; j < d; j++) z += w[j] * X[i * d + j];
      out[i] = 1 / (1 + Math.exp(-z));
    }
    return out;
  };
  const vaLabels = va.map((c) => c.label);
  for (const [k, emotion] of EMOTIONS.entries()) {
    const y = Uint8Array.from(trLabels, (l) => (l === emotion ? 1 : 0));
    const s = balancedWeights(y);
    let best: { uar: number; C: number; w: Float64Array; b: number; iterations: number } | null = null;
    grid[emotion] = {};
    for (const C of cGrid) {
      const fit = classifier === 'svm'
        ? fitSvm(Xtr, trLabels.length, d, y, s, { C, loss: 'l2', seed, maxIter: svmMaxIter })
        : { ...fitLogistic(Xtr, trLabels.length, d, y, s, { lambda: 1 / (C * trLabels.length) }) };
      // the val threshold is chosen on a monotone score: the logistic probability, or the SVM's decision value squashed
      const p = valScore(Xva, va.length, fit.w, fit.b);
      // UAR of this emotion on val at its val-chosen threshold
      const probs = Array.from(p, (v) => EMOTIONS.map((_, kk) => (kk === k ? v : 0)));
      const t = chooseThresholds(probs, vaLabels)[k];
      const uar = evaluate(probs, vaLabels, EMOTIONS.map((_, kk) => (kk === k ? t : 0.5))).perEmotion[emotion].uar;
      grid[emotion][String(C)] = Number(uar.toFixed(2));
      if ('violation' in fit && fit.violation > 0.01) (svmNotConverged[emotion] ??= []).push(C);
      if (!best || uar > best.uar + 1e-9) best = { uar, C, w: fit.w, b: fit.b, iterations: fit.iterations };
    }
    if (classifier === 'svm') {
      // Platt scaling on val: P(emotion) = sigmoid(A·f + B) with f the decision value, folded into w and b
      const f = svmDecision(Xva, va.length, d, best!.w, best!.b);
      const yv = Uint8Array.from(vaLabels, (l) => (l === emotion ? 1 : 0));
      const pf = fitLogistic(f, va.length, 1, yv, new Float64Array(va.length).fill(1), { lambda: 1e-4 });
      const A = pf.w[0]! > 0 ? pf.w[0]! : 1;
      const B = pf.w[0]! > 0 ? pf.b : 0;
      best!.w = best!.w.map((v) => A * v);
      best!.b = A * best!.b + B;
      platt[emotion] = { A: Number(A.toPrecision(6)), B: Number(B.toPrecision(6)) };
      svmIters[emotion] = best!.iterations;
    }
    weights.push(Array.from(best!.w));
    bias.push(best!.b);
    chosenC.push(best!.C);
    if (svmNotConverged[emotion]) log(`baseline: ${emotion}: the SVM did not converge in ${svmMaxIter} passes at C = ${svmNotConverged[emotion]!.join(', ')}`);
    log(`baseline: ${emotion.padEnd(7)} C=${best!.C} val UAR ${fmt(best!.uar)} (grid ${cGrid.map((C) => `${C}:${fmt(grid[emotion][String(C)])}`).join(' ')})`);
  }
  const lw: LinearWeights = { formatVersion: 1, functionalsVersion: set.version, dim: d, weights, bias };
  const predictAll = (F: Float32Array[]): Float32Array[] => F.map((f) => linearForward(f, norm, lw));
  const pVa = predictAll(Fva);
  const thresholds = chooseThresholds(pVa, vaLabels);
  const valReport = evaluate(pVa, vaLabels, thresholds);
  const testReport = te.length ? evaluate(predictAll(Fte), te.map((c) => c.label), thresholds) : null;
  const fitSec = (performance.now() - t0) / 1000;
  log(`baseline: val UAR ${fmt(valReport.summary.uar)} F1 ${fmt(valReport.summary.f1)}` +
    (testReport ? `; test UAR ${fmt(testReport.summary.uar)} F1 ${fmt(testReport.summary.f1)} (${te.length} clips)` : ''));

  const corpusNames = [...new Set(all.map((c) => c.corpus))];
  const summary = (r: EvalReport) => ({ n: r.n, ...r.summary, fourClassUar: r.fourClassUar, perEmotion: r.perEmotion });
  const manifest: ModelManifest = {
    formatVersion: 1,
    name: opts.name ?? path.basename(path.resolve(opts.out)),
    arch: 'linear',
    functionals: set.name,
    branches: ['lld'],
    inputs: { lld: '2d' },
    features: { sampleRate: 16000, frameStepSec: 0.01, logmelBands: LOGMEL_BANDS, lldCount: LLD_COUNT, ...(opts.levelDb !== undefined ? { levelDb: opts.levelDb } : {}) },
    ...(speakerNorm ? { speakerNormalisation: speakerNorm } : {}),
    normalisation: { functionals: norm },
    emotions: [...EMOTIONS],
    thresholds,
    encoder: null,
    training: {
      corpora: corpusNames.map((name) => ({ name, licence: corpusLicence(name) })),
      seed,
      commit: gitCommit(),
      date: new Date().toISOString(),
      classifier: classifier === 'svm'
        ? 'linear SVM per emotion (L2-regularised L2-loss, dual coordinate descent, class-balanced, bias as a regularised feature); C per emotion chosen on val; decision value Platt-scaled on val'
        : 'L2 logistic regression per emotion, class-balanced, L-BFGS; C per emotion chosen on val',
      functionals: functionalsInfo(set.name, set.version, d, set.label),
      ...(classifier === 'svm' ? { platt, svmPasses: svmIters, svmMaxPasses: svmMaxIter, svmNotConverged } : {}),
      C: Object.fromEntries(EMOTIONS.map((e, k) => [e, chosenC[k]])),
      valUarGrid: grid,
      clips: { train: tr.length, val: va.length, test: te.length },
      ...(opts.augment ? { augment: formatAugmentSpec({ ...opts.augment, seed: opts.augment.seed ?? seed }), augmentedRows: augRows.length } : {}),
      note: 'Models trained on RAVDESS inherit its non-commercial licence (CC BY-NC-SA 4.0).',
    },
    metrics: { val: summary(valReport), ...(testReport ? { test: summary(testReport) } : {}) },
  };
  const out = path.resolve(opts.out);
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  await writeFile(path.join(out, LINEAR_WEIGHTS_FILE), JSON.stringify(lw));
  log(`baseline: wrote ${out} (features ${featureSec.toFixed(1)} s, fit ${fitSec.toFixed(1)} s)`);
  return { manifest, val: valReport, test: testReport, seconds: { features: featureSec, fit: fitSec } };
}

/** What the manifest records of the functionals set (names of its columns, or how they are laid out). */
function functionalsInfo(name: FunctionalsSetName, version: number, dim: number, label: string): Record<string, unknown> {
  if (name === 'compare') return { set: name, label, version, dim, names: compareFunctionalNames() };
  if (name === 'egemaps') return { set: name, label, version, dim, names: [...EGEMAPS_NAMES], missing: [...EGEMAPS_MISSING] };
  return { set: name, version, names: [...FUNCTIONAL_NAMES], columns: 'LLD 0–64 and Δ 65–129', dim };
}
