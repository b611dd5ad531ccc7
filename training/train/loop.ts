// The training loop: Adam, micro-batches accumulated to the effective batch (the wasm heap caps what
// one graph may hold), best epoch by the validation split's mean UAR (thresholds chosen on val),
// early stopping, a progress bar and one log line per epoch.
import * as tf from '@tensorflow/tfjs';
import { EMOTIONS, type Emotion } from '../../src/model/emotions.ts';
import { chooseThresholds, evaluate, type EvalReport } from '../../src/eval/metrics.ts';
import { MsirGraph, glorotUniform, initWeights } from '../../src/model/graph.ts';
import { buildMsirModel } from '../../src/model/msir.ts';
import { crossEntropyLoss, focalLoss, softmaxCrossEntropy, DEFAULT_FOCAL, type FocalParams, type LossName } from '../../src/model/losses.ts';
import type { MsirConfig } from '../../src/model/presets.ts';
import { progressBar } from '../data/progress.ts';
import { disposeBatch, makeBatch, sampleFrames, type Sample } from './data.ts';
import { Rng } from './rng.ts';
import { SpeakerAdversary, reversalScale } from './adversary.ts';

export interface TrainOptions {
  cfg: MsirConfig;
  train: Sample[];
  val: Sample[];
  loss?: LossName;
  focal?: FocalParams;
  lr?: number;
  epochs?: number;
  /** Stop after this many epochs without a better val mean UAR. */
  patience?: number;
  batchSize?: number;
  microBatch?: number;
  seed?: number;
  /** Training crop length in frames (10 ms). */
  cropFrames?: number;
  /** Gaussian noise std on normalised inputs (0 = off). */
  noise?: number;
  /** SpecAugment-style masking (see BatchOptions.mask); off when absent. */
  mask?: { masks: number; maxFrames: number; maxBands: number };
  /**
   * Average the weights of the K epochs with the best val mean UAR (SWA-style; K ≤ 1 = the best epoch
   * alone). Thresholds and the val report are then those of the averaged model.
   */
  averageTop?: number;
  /**
   * Auxiliary multi-task head: a softmax over `classes` corpus emotions on the head's hidden layer,
   * weighted `weight` in the loss; every training sample needs `aux`. Samples marked auxOnly (clips
   * outside the four emotions) train only this head; each epoch takes each of them with probability
   * `fraction`. The head is dropped after training: the exported model is unchanged.
   */
  aux?: { classes: number; weight: number; fraction: number };
  /**
   * Speaker-adversarial head behind gradient reversal (see adversary.ts): every training sample needs
   * `speaker` in 0…speakers−1; the reversal strength ramps up to `weight`. Dropped after training.
   */
  adversary?: { speakers: number; weight: number };
  /** Called with each epoch's log line. */
  log?: (line: string) => void;
  /** Show a progress bar on stderr (default true). */
  progress?: boolean;
}

export interface EpochLog {
  epoch: number;
  loss: number;
  valLoss: number;
  valUar: number;
  valF1: number;
  valFourClassUar: number;
  seconds: number;
  msPerClip: number;
}

export interface TrainResult {
  model: tf.LayersModel;
  graph: MsirGraph;
  bestEpoch: number;
  /** Epochs whose weights were averaged (averageTop > 1), best first. */
  averagedEpochs?: number[];
  /** Val report of the best single epoch (kept when the weights are averaged, for the log). */
  bestEpochVal?: EvalReport;
  thresholds: number[];
  val: EvalReport;
  history: EpochLog[];
  seconds: number;
}

/** Probabilities for every sample (original order), in length-sorted padded batches (masking keeps them exact). */
export function predictSamples(graph: MsirGraph, samples: Sample[], microBatch = 16): { probs: Float32Array[]; loss: number } {
  const order = samples.map((_, i) => i).sort((a, b) => sampleFrames(samples[a]!) - sampleFrames(samples[b]!));
  const probs: Float32Array[] = new Array(samples.length);
  let lossSum = 0;
  for (let i = 0; i < order.length; i += microBatch) {
    const idx = order.slice(i, i + microBatch);
    const made = makeBatch(graph.cfg, idx.map((k) => samples[k]!));
    const { batch, targets } = made;
    const [p, l] = tf.tidy(() => {
      const { logits } = graph.forward(batch, false);
      return [tf.sigmoid(logits).dataSync() as Float32Array, crossEntropyLoss(logits, targets).dataSync()[0]!];
    });
    lossSum += l * idx.length;
    idx.forEach((k, j) => (probs[k] = p.slice(j * EMOTIONS.length, (j + 1) * EMOTIONS.length)));
    disposeBatch(made);
  }
  return { probs, loss: lossSum / Math.max(1, samples.length) };
}

/**
 * The clip itself or one of its augmented variants, uniformly; draws nothing when there are none. A
 * variant brings its own inputs; the clip's per-clip fields it lacks (auxiliary class, speaker) stay.
 */
export function pickVariant(s: Sample, rng: Rng): Sample {
  if (!s.variants?.length) return s;
  const k = rng.int(s.variants.length + 1);
  return k === 0 ? s : { ...s, ...s.variants[k - 1]! };
}

export function trainMsir(opts: TrainOptions): TrainResult {
  const cfg = opts.cfg;
  const seed = opts.seed ?? 1;
  const epochs = opts.epochs ?? 40;
  const patience = opts.patience ?? 10;
  const B = opts.batchSize ?? 64;
  const micro = Math.min(opts.microBatch ?? 16, B);
  const crop = opts.cropFrames ?? 400;
  const lossName = opts.loss ?? 'focal';
  const focal = opts.focal ?? DEFAULT_FOCAL;
  const log = opts.log ?? (() => {});
  if (opts.train.length === 0) throw new Error('no training samples');
  if (opts.val.length === 0) throw new Error('no validation samples (early stopping and thresholds need the val split)');

  const aux = opts.aux;
  if (aux && opts.train.some((s) => s.aux === undefined)) throw new Error('auxiliary training needs an aux class on every training sample');
  if (opts.val.some((s) => s.auxOnly)) throw new Error('val samples must be in the four emotions');
  const adv = opts.adversary;
  if (adv && opts.train.some((s) => s.speaker === undefined)) throw new Error('speaker-adversarial training needs a speaker index on every training sample');
  const model = buildMsirModel(cfg, seed);
  initWeights(model, seed);
  const graph = new MsirGraph(model, cfg);
  const optimizer = tf.train.adam(opts.lr ?? 1e-3);
  const rng = new Rng(seed);
  // Auxiliary head (training only): Glorot-uniform by seed, zero bias.
  const auxVars = aux
    ? tf.tidy(() => [tf.variable(glorotUniform([cfg.head.dense, aux.classes], seed + 7919)), tf.variable(tf.zeros([aux.classes]))] as const)
    : null;
  const adversary = adv ? new SpeakerAdversary(cfg.head.dense, adv.speakers, seed) : null;
  const trainable = [...graph.trainable, ...(auxVars ?? []), ...(adversary?.vars ?? [])];
  const valLabels: Emotion[] = opts.val.map((s) => s.label);
  const t0 = performance.now();
  const history: EpochLog[] = [];
  let best: { epoch: number; uar: number; weights: tf.Tensor[]; thresholds: number[]; report: EvalReport } | null = null;
  const K = Math.max(1, Math.floor(opts.averageTop ?? 1));
  // The K best epochs' weights (by val mean UAR), for averaging; the best one is also `best`.
  let top: Array<{ epoch: number; uar: number; weights: tf.Tensor[] }> = [];

  // Micro-batches of similar length (sorted, then cut) waste little on padding; their order is shuffled.
  const byLength = opts.train.map((_, i) => i).sort((a, b) => sampleFrames(opts.train[a]!) - sampleFrames(opts.train[b]!));
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const te = performance.now();
    // Shuffle within small length-neighbourhoods so micro-batch contents vary between epochs.
    // Clips outside the four emotions: a fresh random share each epoch (no draws without them).
    const idx = aux ? byLength.filter((k) => !opts.train[k]!.auxOnly || rng.next() < aux.fraction) : byLength.slice();
    for (let i = 0; i < idx.length; i += micro * 4) {
      const part = rng.shuffle(idx.slice(i, i + micro * 4));
      idx.splice(i, part.length, ...part);
    }
    const micros: number[][] = [];
    for (let i = 0; i < idx.length; i += micro) micros.push(idx.slice(i, i + micro));
    rng.shuffle(micros);
    const perStep = Math.max(1, Math.round(B / micro));
    const advScale = adv ? reversalScale(adv.weight, epoch, epochs) : 0;
    const bar = opts.progress === false ? null : progressBar(`epoch ${epoch}/${epochs}`, micros.length);
    let lossSum = 0;
    let seen = 0;
    for (let s = 0; s < micros.length; s += perStep) {
      const group = micros.slice(s, s + perStep);
      const total = group.reduce((n, g) => n + g.length, 0);
      let acc: Record<string, tf.Tensor> = {};
      for (const g of group) {
        const made = makeBatch(cfg, g.map((k) => pickVariant(opts.train[k]!, rng)), { maxFrames: crop, rng, noise: opts.noise ?? 0, ...(opts.mask ? { mask: opts.mask } : {}), ...(aux ? { auxClasses: aux.classes } : {}), ...(adv ? { speakers: adv.speakers } : {}) });
        const { batch, targets } = made;
        const dropSeed = rng.int(2 ** 31);
        const { value, grads } = tf.variableGrads(() => {
          const { logits, hidden } = graph.forward(batch, true, dropSeed);
          const w = made.aux?.weights;
          let loss = lossName === 'focal' ? focalLoss(logits, targets, focal, w) : crossEntropyLoss(logits, targets, w);
          if (auxVars && made.aux) {
            const auxLogits = tf.add(tf.matMul(hidden, auxVars[0]), auxVars[1]) as tf.Tensor2D;
            loss = tf.add(loss, tf.mul(softmaxCrossEntropy(auxLogits, made.aux.targets), aux!.weight));
          }
          if (adversary && made.speakers) loss = tf.add(loss, adversary.loss(hidden, made.speakers, advScale));
          return loss;
        }, trainable);
        const w = g.length / total;
        const next = tf.tidy(() => {
          const out: Record<string, tf.Tensor> = {};
          for (const [name, gr] of Object.entries(grads)) out[name] = acc[name] ? tf.add(acc[name]!, tf.mul(gr, w)) : tf.mul(gr, w);
          return out;
        });
        for (const t of Object.values(acc)) t.dispose();
        for (const t of Object.values(grads)) t.dispose();
        acc = next;
        lossSum += value.dataSync()[0]! * g.length;
        seen += g.length;
        value.dispose();
        disposeBatch(made);
        bar?.tick(1, `loss ${(lossSum / seen).toFixed(4)}`);
      }
      optimizer.applyGradients(Object.entries(acc).map(([name, tensor]) => ({ name, tensor })));
      for (const t of Object.values(acc)) t.dispose();
    }
    const trainSec = (performance.now() - te) / 1000;
    const { probs, loss: valLoss } = predictSamples(graph, opts.val, micro);
    const thresholds = chooseThresholds(probs, valLabels);
    const report = evaluate(probs, valLabels, thresholds);
    const entry: EpochLog = {
      epoch,
      loss: lossSum / seen,
      valLoss,
      valUar: report.summary.uar,
      valF1: report.summary.f1,
      valFourClassUar: report.fourClassUar,
      seconds: (performance.now() - te) / 1000,
      msPerClip: (trainSec * 1000) / seen,
    };
    history.push(entry);
    if (K > 1 && (top.length < K || report.summary.uar > top.at(-1)!.uar)) {
      top.push({ epoch, uar: report.summary.uar, weights: model.weights.map((w) => w.read().clone()) });
      top.sort((a, b) => b.uar - a.uar || a.epoch - b.epoch);
      for (const dropped of top.splice(K)) dropped.weights.forEach((t) => t.dispose());
    }
    const improved = !best || report.summary.uar > best.uar;
    bar?.done(`loss ${entry.loss.toFixed(4)} val UAR ${entry.valUar.toFixed(1)} F1 ${entry.valF1.toFixed(1)}${improved ? ' *' : ''}`);
    log(JSON.stringify(entry));
    if (improved) {
      best?.weights.forEach((t) => t.dispose());
      best = { epoch, uar: report.summary.uar, weights: model.weights.map((w) => w.read().clone()), thresholds, report };
    } else if (epoch - best!.epoch >= patience) break;
  }
  optimizer.dispose();
  auxVars?.forEach((v) => v.dispose());
  adversary?.dispose();
  const result = { model, graph, bestEpoch: best!.epoch, history };
  if (top.length > 1) {
    // Mean of the top epochs' weights (BatchNorm moving statistics included), then its own thresholds.
    model.weights.forEach((w, i) => {
      const mean = tf.tidy(() => tf.div(tf.addN(top.map((s) => s.weights[i]!)), top.length));
      w.write(mean);
      mean.dispose();
    });
    const averagedEpochs = top.map((s) => s.epoch);
    top.forEach((s) => s.weights.forEach((t) => t.dispose()));
    top = [];
    best!.weights.forEach((t) => t.dispose());
    const { probs } = predictSamples(graph, opts.val, micro);
    const thresholds = chooseThresholds(probs, valLabels);
    const report = evaluate(probs, valLabels, thresholds);
    log(JSON.stringify({ averaged: averagedEpochs, valUar: report.summary.uar, valF1: report.summary.f1, bestEpochValUar: best!.report.summary.uar }));
    return { ...result, averagedEpochs, bestEpochVal: best!.report, thresholds, val: report, seconds: (performance.now() - t0) / 1000 };
  }
  model.weights.forEach((w, i) => w.write(best!.weights[i]!));
  best!.weights.forEach((t) => t.dispose());
  return { ...result, thresholds: best!.thresholds, val: best!.report, seconds: (performance.now() - t0) / 1000 };
}
