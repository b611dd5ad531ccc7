// Training samples: features from the cache → model inputs (variant, z-score fitted on the train split
// only), and padded batches for the training graph.
import * as tf from '@tensorflow/tfjs';
import type { Emotion } from '../../src/model/emotions.ts';
import { EMOTIONS } from '../../src/model/emotions.ts';
import type { Features } from '../../src/features/types.ts';
import type { SslFeatures } from '../../src/model/predictor.ts';
import type { NormalisationStats } from '../../src/model/manifest.ts';
import { Normaliser } from '../../src/features/normalise.ts';
import { lldInput, logmelInput, normaliseMatrix, padRows, type Matrix } from '../../src/model/inputs.ts';
import { crStride, type GraphBatch } from '../../src/model/graph.ts';
import { LOGMEL_BANDS, logmelChannels, minInputFrames, type MsirConfig } from '../../src/model/presets.ts';
import type { Rng } from './rng.ts';

export interface Sample {
  id: string;
  label: Emotion;
  logmel?: Matrix;
  lld?: Matrix;
  /** wav2vec2 features, 50 Hz. */
  w2v?: Matrix;
  /** Class index of the clip's own corpus emotion (auxiliary multi-task head); absent = none. */
  aux?: number;
  /** A clip outside the four emotions: trains only the auxiliary head, never the detectors. */
  auxOnly?: boolean;
  /** Index of the clip's training speaker (speaker-adversarial head); absent = none. */
  speaker?: number;
  /** Augmented versions of the same clip (e.g. speed-perturbed); training draws one of [self, ...variants] per epoch. */
  variants?: Sample[];
}

export function fitNormalisation(cfg: MsirConfig, train: Features[], w2v: SslFeatures[] = []): Record<string, NormalisationStats> {
  const out: Record<string, NormalisationStats> = {};
  if (cfg.branches.includes('cr')) {
    const ms = train.map((f) => logmelInput(f, cfg.inputs.logmel));
    out.logmel = Normaliser.fit(ms.map((m) => m.data), ms[0]!.cols).toJSON();
  }
  if (cfg.branches.includes('lld')) {
    const ms = train.map((f) => lldInput(f, cfg.inputs.lld));
    out.lld = Normaliser.fit(ms.map((m) => m.data), ms[0]!.cols).toJSON();
  }
  if (cfg.branches.includes('w2v')) {
    if (w2v.length === 0) throw new Error('the w2v branch needs wav2vec2 features');
    out.w2v = Normaliser.fit(w2v.map((w) => w.data), w2v[0]!.hidden).toJSON();
  }
  return out;
}

export function makeSample(cfg: MsirConfig, id: string, label: Emotion, f: Features, norm: Record<string, NormalisationStats>, w2v?: SslFeatures): Sample {
  const min = minInputFrames(cfg);
  const s: Sample = { id, label };
  if (cfg.branches.includes('cr')) s.logmel = padRows(normaliseMatrix(logmelInput(f, cfg.inputs.logmel), norm.logmel!), min.logmel);
  if (cfg.branches.includes('lld')) s.lld = padRows(normaliseMatrix(lldInput(f, cfg.inputs.lld), norm.lld!), min.lld);
  if (cfg.branches.includes('w2v')) {
    if (!w2v) throw new Error(`${id}: no wav2vec2 features`);
    s.w2v = padRows(normaliseMatrix({ data: w2v.data, rows: w2v.frames, cols: w2v.hidden }, norm.w2v!), min.w2v);
  }
  return s;
}

export function sampleFrames(s: Sample): number {
  return Math.max(s.logmel?.rows ?? 0, s.lld?.rows ?? 0, (s.w2v?.rows ?? 0) * 2);
}

export interface BatchOptions {
  /** Crop each clip to at most this many frames (random offset when rng is given, else centred). */
  maxFrames?: number;
  rng?: Rng;
  /** Std of Gaussian noise added to the normalised inputs (augmentation; needs rng). */
  noise?: number;
  /**
   * SpecAugment-style masking (needs rng): per clip, `masks` time spans of up to `maxFrames` frames
   * (all inputs, same span in time) and `masks` log-Mel band spans of up to `maxBands` bands are set to
   * 0, i.e. the training mean after z-scoring.
   */
  mask?: { masks: number; maxFrames: number; maxBands: number };
  /** Number of auxiliary classes: also return one-hot auxiliary targets and detector weights. */
  auxClasses?: number;
  /** Number of training speakers: also return one-hot speaker targets (speaker-adversarial head). */
  speakers?: number;
}

export interface Batch {
  batch: GraphBatch;
  targets: tf.Tensor2D;
  /** With auxClasses: [B, K] one-hot targets of the auxiliary head, and [B] detector weights (0 = auxOnly). */
  aux?: { targets: tf.Tensor2D; weights: tf.Tensor1D };
  /** With speakers: [B, S] one-hot speaker targets. */
  speakers?: tf.Tensor2D;
}

/** Zero-padded tensors + lengths for the graph; the caller disposes them with disposeBatch. */
export function makeBatch(cfg: MsirConfig, samples: Sample[], opts: BatchOptions = {}): Batch {
  const B = samples.length;
  // One crop window per sample, in frames of the 100 Hz inputs (log-Mel and LLD share the step).
  const crops = samples.map((s) => {
    const n = sampleFrames(s);
    const len = opts.maxFrames ? Math.min(n, opts.maxFrames) : n;
    const start = n > len ? (opts.rng ? opts.rng.int(n - len + 1) : Math.floor((n - len) / 2)) : 0;
    return { start, len };
  });
  // Masked time spans per clip (crop-relative frames at 100 Hz), drawn once so every branch masks the same time.
  const timeSpans: Array<Array<[number, number]>> = crops.map((c) => {
    if (!opts.mask || !opts.rng) return [];
    const spans: Array<[number, number]> = [];
    for (let k = 0; k < opts.mask.masks; k++) {
      const w = opts.rng.int(opts.mask.maxFrames + 1);
      spans.push([opts.rng.int(Math.max(1, c.len - w)), w]);
    }
    return spans;
  });
  const batch: GraphBatch = {};
  const roundUp = (n: number, k: number) => Math.ceil(n / k) * k;
  // rate: frames per 10 ms frame (w2v runs at 50 Hz: 0.5), so crops cover the same time span.
  const fill = (get: (s: Sample) => Matrix | undefined, mult: number, rate = 1) => {
    const mats = samples.map(get) as Matrix[];
    const starts = crops.map((c) => Math.floor(c.start * rate));
    const lengths = mats.map((m, b) => Math.max(1, Math.min(m.rows - Math.min(starts[b]!, m.rows - 1), Math.floor(crops[b]!.len * rate))));
    const T = roundUp(Math.max(...lengths), mult);
    const cols = mats[0]!.cols;
    const data = new Float32Array(B * T * cols);
    mats.forEach((m, b) => {
      const st = Math.min(starts[b]!, m.rows - 1);
      data.set(m.data.subarray(st * cols, (st + lengths[b]!) * cols), b * T * cols);
    });
    if (opts.mask && opts.rng) {
      const { masks, maxFrames } = opts.mask;
      for (let b = 0; b < B; b++)
        for (const [t0, w] of timeSpans[b]!) {
          const a = Math.floor(t0 * rate);
          const e = Math.min(lengths[b]!, Math.floor((t0 + w) * rate));
          if (e > a) data.fill(0, (b * T + a) * cols, (b * T + e) * cols);
        }
      void masks;
      void maxFrames;
    }
    if (opts.noise && opts.rng) {
      for (let b = 0; b < B; b++) for (let i = b * T * cols, e = i + lengths[b]! * cols; i < e; i++) data[i]! += opts.noise * opts.rng.normal();
    }
    return { data, T, lengths };
  };
  if (cfg.branches.includes('cr')) {
    const { data, T, lengths } = fill((s) => s.logmel, crStride(cfg));
    if (opts.mask && opts.rng) {
      const ch = logmelChannels(cfg.inputs.logmel);
      for (let b = 0; b < B; b++)
        for (let k = 0; k < opts.mask.masks; k++) {
          const w = opts.rng.int(opts.mask.maxBands + 1);
          const f0 = opts.rng.int(LOGMEL_BANDS - w + 1);
          for (let t = 0; t < lengths[b]!; t++) data.fill(0, ((b * T + t) * LOGMEL_BANDS + f0) * ch, ((b * T + t) * LOGMEL_BANDS + f0 + w) * ch);
        }
    }
    batch.logmel = tf.tensor4d(data, [B, T, LOGMEL_BANDS, logmelChannels(cfg.inputs.logmel)]);
    batch.logmelLengths = lengths;
  }
  if (cfg.branches.includes('lld')) {
    const { data, T, lengths } = fill((s) => s.lld, cfg.lld.timePool);
    batch.lld = tf.tensor3d(data, [B, T, data.length / (B * T)]);
    batch.lldLengths = lengths;
  }
  if (cfg.branches.includes('w2v')) {
    const { data, T, lengths } = fill((s) => s.w2v, cfg.w2v.timePool, 0.5);
    batch.w2v = tf.tensor3d(data, [B, T, data.length / (B * T)]);
    batch.w2vLengths = lengths;
  }
  const y = new Float32Array(B * EMOTIONS.length);
  samples.forEach((s, b) => {
    if (!s.auxOnly) y[b * EMOTIONS.length + EMOTIONS.indexOf(s.label)] = 1;
  });
  const targets = tf.tensor2d(y, [B, EMOTIONS.length]);
  const out: Batch = { batch, targets };
  if (opts.speakers) out.speakers = oneHot(samples, opts.speakers, (s) => s.speaker, 'speaker index');
  if (!opts.auxClasses) return out;
  const w = Float32Array.from(samples, (s) => (s.auxOnly ? 0 : 1));
  out.aux = { targets: oneHot(samples, opts.auxClasses, (s) => s.aux, 'auxiliary class'), weights: tf.tensor1d(w) };
  return out;
}

/** [B, n] one-hot rows of each sample's class index; a sample without one in 0…n−1 is an error. */
function oneHot(samples: Sample[], n: number, index: (s: Sample) => number | undefined, what: string): tf.Tensor2D {
  const a = new Float32Array(samples.length * n);
  samples.forEach((s, b) => {
    const k = index(s);
    if (k === undefined || k < 0 || k >= n) throw new Error(`${s.id}: no ${what} in 0…${n - 1}`);
    a[b * n + k] = 1;
  });
  return tf.tensor2d(a, [samples.length, n]);
}

/** Disposes every tensor of a batch: inputs, targets, auxiliary targets/weights and speaker targets. */
export function disposeBatch(b: Batch): void {
  b.batch.logmel?.dispose();
  b.batch.lld?.dispose();
  b.batch.w2v?.dispose();
  b.targets.dispose();
  b.aux?.targets.dispose();
  b.aux?.weights.dispose();
  b.speakers?.dispose();
}
