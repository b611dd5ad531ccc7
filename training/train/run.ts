// End to end: corpora → feature cache → samples → training (lr grid) → test metrics → model folder
// (model.json + weights.bin + manifest.json + training-log.txt).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { evaluate, type EvalReport } from '../../src/eval/metrics.ts';
import { EMOTIONS } from '../../src/model/emotions.ts';
import { saveModelDir, MODEL_FILE } from '../../src/model/io.ts';
import { MANIFEST_FILE } from '../../src/model/load.ts';
import { MANIFEST_FORMAT_VERSION, parseManifest, type Branch, type ModelManifest } from '../../src/model/manifest.ts';
import type { FocalParams, LossName } from '../../src/model/losses.ts';
import { makeConfig, type LldVariant, type LogmelVariant, type PresetName } from '../../src/model/presets.ts';
import { encoderIdentity } from '../../src/ssl/identity-node.ts';
import { splitClips } from '../baseline/train.ts';
import { extractAll } from '../data/cache.ts';
import { formatAugmentSpec, type AugmentSpec } from '../augment/index.ts';
import { fitSpeakerNorm, speakerNormalised, type SpeakerNormOptions } from '../data/speaker-norm.ts';
import { labelled, loadCorpora } from '../data/corpus.ts';
import { fitNormalisation, makeSample, type Sample } from './data.ts';
import { predictSamples, trainMsir, type TrainResult } from './loop.ts';
import { corpusLicence, gitCommit } from '../provenance.ts';

export interface RunOptions {
  corpora: string[];
  out: string;
  name?: string;
  branches: Branch[];
  preset: PresetName;
  logmel?: LogmelVariant;
  lld?: LldVariant;
  /** LLD branch time pooling before its BiLSTM (frames); undefined = the preset's. */
  lldPool?: number;
  loss: LossName;
  focal?: FocalParams;
  lrs: number[];
  epochs: number;
  patience: number;
  batchSize: number;
  microBatch: number;
  seed: number;
  cropFrames: number;
  noise: number;
  /** SpecAugment-style masking: number of time and band spans, max widths. */
  mask?: { masks: number; maxFrames: number; maxBands: number };
  /** Average the weights of this many best val epochs (1 = best epoch only). */
  averageTop?: number;
  /** Multi-task: an auxiliary softmax over the corpora's own emotion names, fed also with the train
   * speakers' clips of other emotions (see TrainOptions.aux). */
  aux?: { weight: number; fraction: number };
  /** Speaker-adversarial head (gradient reversal) of this maximum strength (see TrainOptions.adversary). */
  adversarySpeakers?: number;
  /** Speaker normalisation of the feature frames (statistics per speaker; src/features/speaker-norm.ts). */
  speakerNorm?: SpeakerNormOptions;
  /** Speed-perturbation factors: each training clip gets a copy per factor (augmentation). */
  speeds?: number[];
  /** Augmented copies of every training clip (noise, reverb, telephone, …; training/augment/index.ts);
   *  the draws use spec.seed, else the run's seed. */
  augment?: AugmentSpec;
  /** Inference chunk length written to the manifest (frames). */
  maxFrames: number;
  /** Active speech level (dBFS) every clip is scaled to before feature extraction; undefined = raw audio. */
  levelDb?: number;
  cacheDir?: string;
  workers?: number;
  wav2vec2?: string;
  /** Use at most this many clips per split (quick runs, tests). */
  maxClips?: number;
  backend: string;
  progress?: boolean;
  log?: (line: string) => void;
}


/** Takes every k-th clip so a capped subset keeps all emotions and corpora. */
function cap<T>(xs: T[], n?: number): T[] {
  if (!n || xs.length <= n) return xs;
  const step = xs.length / n;
  return Array.from({ length: n }, (_, i) => xs[Math.floor(i * step)]!);
}

export async function runTraining(o: RunOptions): Promise<{ manifest: ModelManifest; result: TrainResult; test: EvalReport | null }> {
  const log = o.log ?? ((l: string) => console.log(l));
  const tStart = performance.now();
  const allClips = await loadCorpora(o.corpora);
  const clips = labelled(allClips);
  const split = splitClips(clips, o.seed);
  const train = cap(split.train, o.maxClips);
  const val = cap(split.val, o.maxClips);
  const test = cap(split.test, o.maxClips);
  if (train.length === 0) throw new Error('no training clips (4-class subset of the train split) in the given corpora');
  log(`clips: train ${train.length}, val ${val.length}, test ${test.length}`);
  const tFeat = performance.now();
  let feats = await extractAll([...train, ...val, ...test], { cacheDir: o.cacheDir, workers: o.workers, wav2vec2: o.wav2vec2, levelDb: o.levelDb });
  const featureSec = (performance.now() - tFeat) / 1000;
  const cfg = makeConfig(o.preset, o.branches, { ...(o.logmel ? { logmel: o.logmel } : {}), ...(o.lld ? { lld: o.lld } : {}) });
  if (o.lldPool !== undefined) cfg.lld.timePool = o.lldPool;
  const have = (c: { id: string }) => feats.has(c.id);
  const trainOk = train.filter(have);
  if (cfg.branches.includes('w2v')) {
    const w = feats.get(trainOk[0]!.id)?.w2v;
    if (!w) throw new Error('the w2v branch needs --wav2vec2 DIR');
    cfg.inputs.w2vHidden = w.hidden;
  }
  // Speaker normalisation first: every later statistic (the z-score below included) sees its output.
  const speakerNorm = o.speakerNorm ? fitSpeakerNorm(trainOk, feats, o.speakerNorm) : undefined;
  const rawFeats = feats;
  if (speakerNorm) {
    feats = speakerNormalised(speakerNorm, [...train, ...val, ...test], feats);
    log(`speaker normalisation: prior of ${speakerNorm.priorFrames} frames, statistics per speaker over active frames (within ${speakerNorm.activityDb} dB)`);
  }
  const norm = fitNormalisation(
    cfg,
    trainOk.map((c) => feats.get(c.id)!.features),
    cfg.branches.includes('w2v') ? trainOk.map((c) => feats.get(c.id)!.w2v!) : [],
  );
  const toSamples = (cs: typeof train): Sample[] =>
    cs.filter(have).map((c) => makeSample(cfg, c.id, c.label, feats.get(c.id)!.features, norm, feats.get(c.id)!.w2v));
  const trainS = toSamples(train);
  let auxInfo: { classes: string[]; weight: number; fraction: number; extraClips: number } | null = null;
  if (o.aux) {
    // Clips of the train speakers outside the four emotions (calm, fearful, boredom, …).
    const speakers = new Set(trainOk.map((c) => `${c.corpus}\0${c.speaker}`));
    const extra = cap(allClips.filter((c) => c.label === null && c.split === 'train' && speakers.has(`${c.corpus}\0${c.speaker}`)), o.maxClips);
    let fx = await extractAll(extra, { cacheDir: o.cacheDir, workers: o.workers, levelDb: o.levelDb, ...(o.wav2vec2 ? { wav2vec2: o.wav2vec2 } : {}) });
    // Their speaker's statistics come from the speaker's 4-class clips, as in evaluation.
    if (speakerNorm) fx = speakerNormalised(speakerNorm, extra, fx, trainOk, rawFeats);
    const extraOk = extra.filter((c) => fx.has(c.id));
    const classes = [...new Set([...trainOk, ...extraOk].map((c) => c.emotion))].sort();
    const emotionOf = new Map(trainOk.map((c) => [c.id, c.emotion]));
    for (const s of trainS) s.aux = classes.indexOf(emotionOf.get(s.id)!);
    for (const c of extraOk) {
      const f = fx.get(c.id)!;
      // auxOnly: the detectors never see its label ('neutral' only fills the field)
      trainS.push({ ...makeSample(cfg, c.id, 'neutral', f.features, norm, f.w2v), aux: classes.indexOf(c.emotion), auxOnly: true });
    }
    auxInfo = { classes, weight: o.aux.weight, fraction: o.aux.fraction, extraClips: extraOk.length };
    log(`auxiliary head: ${classes.length} classes (${classes.join(', ')}), ${extraOk.length} extra training clips outside the four emotions, ${(o.aux.fraction * 100).toFixed(0)} % of them per epoch, loss weight ${o.aux.weight}`);
  }
  // Speaker indices for the adversarial head: the train speakers, in a fixed (sorted) order.
  let adversaryInfo: { speakers: number; weight: number } | null = null;
  if (o.adversarySpeakers) {
    const keyOf = new Map(allClips.map((c) => [c.id, `${c.corpus}\0${c.speaker}`]));
    const keys = [...new Set(trainS.map((s) => keyOf.get(s.id)!))].sort();
    for (const s of trainS) s.speaker = keys.indexOf(keyOf.get(s.id)!);
    adversaryInfo = { speakers: keys.length, weight: o.adversarySpeakers };
    log(`speaker-adversarial head: ${keys.length} training speakers, gradient reversal up to ${o.adversarySpeakers}`);
  }
  // Speed-perturbed copies of the training clips: normalised with the unperturbed train statistics.
  for (const speed of o.speeds ?? []) {
    const t0 = performance.now();
    let fs = await extractAll(trainOk, { cacheDir: o.cacheDir, workers: o.workers, levelDb: o.levelDb, speed, ...(o.wav2vec2 ? { wav2vec2: o.wav2vec2 } : {}) });
    // A speaker's perturbed copies are normalised by their own statistics, as a new voice would be.
    if (speakerNorm) fs = speakerNormalised(speakerNorm, trainOk, fs);
    for (const s of trainS) {
      const f = fs.get(s.id);
      if (f) (s.variants ??= []).push(makeSample(cfg, s.id, s.label, f.features, norm, f.w2v));
    }
    log(`speed ${speed}: ${fs.size} of ${trainS.length} training clips (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  // Augmented copies, like the speed copies: copy k of a clip draws its chain from (seed, clip id, k).
  for (let copy = 0; o.augment && copy < o.augment.copies; copy++) {
    const t0 = performance.now();
    let fs = await extractAll(trainOk, { cacheDir: o.cacheDir, workers: o.workers, levelDb: o.levelDb, augment: { spec: o.augment, seed: o.augment.seed ?? o.seed, copy, pool: trainOk }, ...(o.wav2vec2 ? { wav2vec2: o.wav2vec2 } : {}) });
    if (speakerNorm) fs = speakerNormalised(speakerNorm, trainOk, fs);
    for (const s of trainS) {
      const f = fs.get(s.id);
      if (f) (s.variants ??= []).push(makeSample(cfg, s.id, s.label, f.features, norm, f.w2v));
    }
    log(`augment copy ${copy + 1} of ${o.augment.copies} (${formatAugmentSpec(o.augment)}): ${fs.size} of ${trainS.length} training clips (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const valS = toSamples(val);
  const testS = toSamples(test);

  mkdirSync(o.out, { recursive: true });
  const logFile = path.join(o.out, 'training-log.txt');
  writeFileSync(logFile, `# msir train ${new Date().toISOString()} backend=${o.backend} preset=${o.preset} branches=${o.branches.join(',')} loss=${o.loss} seed=${o.seed}\n`);
  let best: { lr: number; r: TrainResult } | null = null;
  for (const lr of o.lrs) {
    log(`training: lr ${lr}, ${trainS.length} clips, batch ${o.batchSize} (micro ${o.microBatch}), up to ${o.epochs} epochs`);
    appendFileSync(logFile, `# lr ${lr}\n`);
    const r = trainMsir({
      cfg, train: trainS, val: valS, loss: o.loss, focal: o.focal, lr, epochs: o.epochs, patience: o.patience,
      batchSize: o.batchSize, microBatch: o.microBatch, seed: o.seed, cropFrames: o.cropFrames, noise: o.noise, ...(o.mask ? { mask: o.mask } : {}),
      ...(o.averageTop && o.averageTop > 1 ? { averageTop: o.averageTop } : {}),
      ...(auxInfo ? { aux: { classes: auxInfo.classes.length, weight: auxInfo.weight, fraction: auxInfo.fraction } } : {}),
      ...(adversaryInfo ? { adversary: adversaryInfo } : {}),
      progress: o.progress, log: (l) => appendFileSync(logFile, `${l}\n`),
    });
    if (r.averagedEpochs) log(`lr ${lr}: weights averaged over epochs ${r.averagedEpochs.join(', ')}: val mean UAR ${r.val.summary.uar.toFixed(2)} (best epoch alone ${r.bestEpochVal!.summary.uar.toFixed(2)})`);
    log(`lr ${lr}: best epoch ${r.bestEpoch}, val mean UAR ${r.val.summary.uar.toFixed(2)}, F1 ${r.val.summary.f1.toFixed(2)} (${r.seconds.toFixed(0)} s)`);
    if (!best || r.val.summary.uar > best.r.val.summary.uar) {
      best?.r.model.dispose();
      best = { lr, r };
    } else r.model.dispose();
  }
  const r = best!.r;
  let testReport: EvalReport | null = null;
  if (testS.length > 0) {
    const { probs } = predictSamples(r.graph, testS, o.microBatch);
    testReport = evaluate(probs, testS.map((s) => s.label), r.thresholds);
  }
  const totalSec = (performance.now() - tStart) / 1000;
  const corpusNames = [...new Set(clips.map((c) => c.corpus))];
  const manifest: ModelManifest = {
    formatVersion: MANIFEST_FORMAT_VERSION,
    name: o.name ?? path.basename(path.resolve(o.out)),
    arch: 'msir',
    branches: cfg.branches,
    inputs: {
      ...(cfg.branches.includes('cr') ? { logmel: cfg.inputs.logmel } : {}),
      ...(cfg.branches.includes('lld') ? { lld: cfg.inputs.lld } : {}),
      ...(cfg.branches.includes('w2v') ? { w2v: { hiddenSize: cfg.inputs.w2vHidden } } : {}),
    },
    features: { sampleRate: 16000, frameStepSec: 0.01, logmelBands: 40, lldCount: 65, maxFrames: o.maxFrames, ...(o.levelDb !== undefined ? { levelDb: o.levelDb } : {}) },
    ...(speakerNorm ? { speakerNormalisation: speakerNorm } : {}),
    normalisation: norm,
    emotions: [...EMOTIONS],
    thresholds: r.thresholds,
    encoder: o.wav2vec2 && cfg.branches.includes('w2v') ? await encoderIdentity(o.wav2vec2) : null,
    training: {
      corpora: corpusNames.map((name) => ({ name, licence: corpusLicence(name) })),
      note: 'Models trained on these corpora inherit their terms: RAVDESS is CC BY-NC-SA 4.0 (non-commercial, share-alike), EmoDB is free for research. Do not use this model commercially.',
      seed: o.seed,
      commit: gitCommit(),
      date: new Date().toISOString(),
      preset: o.preset,
      loss: o.loss,
      ...(o.loss === 'focal' && o.focal ? { focal: o.focal } : {}),
      lr: best!.lr,
      lrGrid: o.lrs,
      batchSize: o.batchSize,
      microBatch: o.microBatch,
      cropFrames: o.cropFrames,
      noise: o.noise,
      mask: o.mask ?? null,
      ...(o.speeds?.length ? { speeds: o.speeds } : {}),
      ...(o.augment ? { augment: formatAugmentSpec({ ...o.augment, seed: o.augment.seed ?? o.seed }) } : {}),
      ...(auxInfo ? { auxiliary: auxInfo } : {}),
      ...(adversaryInfo ? { speakerAdversary: adversaryInfo } : {}),
      bestEpoch: r.bestEpoch,
      ...(r.averagedEpochs ? { averagedEpochs: r.averagedEpochs, bestEpochVal: r.bestEpochVal!.summary } : {}),
      epochsRun: r.history.length,
      clips: { train: trainS.filter((t) => !t.auxOnly).length, val: valS.length, test: testS.length },
      backend: o.backend,
      seconds: { features: Math.round(featureSec), training: Math.round(totalSec - featureSec), total: Math.round(totalSec) },
      secondsPerEpoch: Number((r.history.reduce((s, h) => s + h.seconds, 0) / r.history.length).toFixed(1)),
    },
    metrics: { val: r.val, ...(testReport ? { test: testReport } : {}) },
    msir: { modelFile: MODEL_FILE, config: cfg },
  };
  parseManifest(JSON.parse(JSON.stringify(manifest)));
  await saveModelDir(r.model, o.out);
  writeFileSync(path.join(o.out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
  log(`wrote ${o.out} (${MODEL_FILE}, weights.bin, ${MANIFEST_FILE}); total ${totalSec.toFixed(0)} s, features ${featureSec.toFixed(0)} s`);
  if (testReport) log(`test: mean UAR ${testReport.summary.uar.toFixed(2)}, mean F1 ${testReport.summary.f1.toFixed(2)}, 4-class UAR ${testReport.fourClassUar.toFixed(2)} (n=${testReport.n})`);
  void tf;
  return { manifest, result: r, test: testReport };
}
