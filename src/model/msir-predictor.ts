// EmotionPredictor for arch 'msir': features → model inputs → the tfjs layers model.
// Long utterances: inputs beyond manifest.features.maxFrames are cut into equal chunks (the model was
// trained on crops of at most that length); probabilities are averaged weighted by chunk length and the
// attention curves concatenated, scaled so they still sum to 1 per branch.
import * as tf from '@tensorflow/tfjs';
import type { ModelManifest } from './manifest.ts';
import type { EmotionPredictor, FeatureStreams, Prediction, PredictorInput } from './predictor.ts';
import { lldInput, logmelInput, normaliseMatrix, padRows, sliceRows, type Matrix } from './inputs.ts';
import { LOGMEL_BANDS, logmelChannels, minInputFrames, type MsirConfig } from './presets.ts';
import type { Branch } from './manifest.ts';
import { installWasmUnpack } from './wasm-unpack.ts';
import { MsirGraph, crStride, type GraphBatch } from './graph.ts';

/**
 * How predict() runs the network. 'graph' (the default on CPU backends: wasm, cpu, tensorflow) runs the
 * training graph's inference path over the same variables: each LSTM direction is one JS recurrence
 * instead of ~10 tfjs ops per time step, several times faster on wasm, same numbers to float rounding
 * (tests/model/msir-predictor.test.ts). 'layers' runs the exported tf.layers model, which suits GPU
 * backends where a JS recurrence would read activations back every call.
 */
export type MsirRunner = 'graph' | 'layers';

export function defaultRunner(backend: string): MsirRunner {
  return backend === 'webgpu' || backend === 'webgl' ? 'layers' : 'graph';
}

export class MsirPredictor implements EmotionPredictor {
  readonly config: MsirConfig;
  private graph: MsirGraph | null = null;
  private zStats: Partial<Record<Branch, { mean: tf.Tensor1D; std: tf.Tensor1D }>> = {};
  get streams(): FeatureStreams {
    return { logmel: this.config.branches.includes('cr'), lld: this.config.branches.includes('lld') };
  }
  constructor(
    readonly manifest: ModelManifest,
    readonly model: tf.LayersModel,
    /** Default: defaultRunner(tf.getBackend()) at each call. */
    private readonly runner?: MsirRunner,
  ) {
    if (!manifest.msir) throw new Error('manifest has no msir section');
    this.config = manifest.msir.config;
    // The graph runner's z-score statistics as tensors, made once here (kept until dispose).
    for (const branch of this.config.branches) {
      const key = branch === 'cr' ? 'logmel' : branch;
      const st = manifest.normalisation[key];
      if (st) this.zStats[branch] = { mean: tf.keep(tf.tensor1d(st.mean)), std: tf.keep(tf.tensor1d(st.std)) };
    }
    installWasmUnpack(); // the LSTM layers' per-step unstack, O(T) instead of O(T²) on wasm
  }

  /** Normalised, padded per-branch inputs in model input order. */
  prepare(input: PredictorInput): Array<{ branch: Branch; m: Matrix; rate: number }> {
    const cfg = this.config;
    const norm = this.manifest.normalisation;
    const min = minInputFrames(cfg);
    return cfg.branches.map((branch) => {
      if (branch === 'cr') {
        if (input.features.logmelFrames === 0) throw new Error('the model needs log-Mel features (cr branch)');
        return { branch, m: padRows(normaliseMatrix(logmelInput(input.features, cfg.inputs.logmel), norm.logmel!), min.logmel), rate: 100 };
      }
      if (branch === 'lld') {
        if (input.features.lldFrames === 0) throw new Error('the model needs LLD features (lld branch)');
        return { branch, m: padRows(normaliseMatrix(lldInput(input.features, cfg.inputs.lld), norm.lld!), min.lld), rate: 100 };
      }
      const w = input.w2v;
      if (!w) throw new Error('the model has a wav2vec2 branch: predict() needs input.w2v');
      if (w.hidden !== cfg.inputs.w2vHidden) throw new Error(`wav2vec2 features have ${w.hidden} dims, the model expects ${cfg.inputs.w2vHidden}`);
      let m: Matrix = { data: w.data, rows: w.frames, cols: w.hidden };
      if (norm.w2v) m = normaliseMatrix(m, norm.w2v);
      return { branch, m: padRows(m, min.w2v), rate: 50 };
    });
  }

  private toTensor(branch: Branch, m: Matrix): tf.Tensor {
    return branch === 'cr'
      ? tf.tensor4d(m.data, [1, m.rows, LOGMEL_BANDS, logmelChannels(this.config.inputs.logmel)])
      : tf.tensor3d(m.data, [1, m.rows, m.cols]);
  }

  /**
   * The graph's batch for one unpadded utterance: each input zero-padded to the multiple of frames its
   * branch steps by, with its true length, so the graph masks the padding exactly where the layers
   * model's 'valid' pooling drops the remainder.
   */
  private graphBatch(inputs: Array<{ branch: Branch; m: Matrix }>): GraphBatch {
    const cfg = this.config;
    const batch: GraphBatch = {};
    for (const { branch, m } of inputs) {
      const step = branch === 'cr' ? crStride(cfg) : branch === 'lld' ? cfg.lld.timePool : cfg.w2v.timePool;
      const rows = Math.ceil(m.rows / step) * step;
      // Zeros, as in training batches and the layers model's 'same' convolutions (not padRows' edge rows).
      const data = new Float32Array(rows * m.cols);
      data.set(m.data.subarray(0, m.rows * m.cols));
      const padded = { data, rows, cols: m.cols };
      if (branch === 'cr') {
        batch.logmel = tf.tensor4d(padded.data, [1, rows, LOGMEL_BANDS, logmelChannels(cfg.inputs.logmel)]);
        batch.logmelLengths = [m.rows];
      } else {
        const t = tf.tensor3d(padded.data, [1, rows, m.cols]);
        if (branch === 'lld') [batch.lld, batch.lldLengths] = [t, [m.rows]];
        else [batch.w2v, batch.w2vLengths] = [t, [m.rows]];
      }
    }
    return batch;
  }

  /** One forward pass on unpadded inputs: probabilities and attention per branch. */
  run(inputs: Array<{ branch: Branch; m: Matrix }>): Prediction {
    const runner = this.runner ?? defaultRunner(tf.getBackend());
    const outs = tf.tidy(() => {
      if (runner === 'graph') {
        this.graph ??= new MsirGraph(this.model, this.config);
        const g = this.graph.forward(this.graphBatch(inputs), false);
        // Attention over the frames the branch really has (the graph's padding carries α = 0).
        const att = inputs.map((i) => {
          const a = g.attention[i.branch]!;
          const step = i.branch === 'cr' ? crStride(this.config) : i.branch === 'lld' ? this.config.lld.timePool : this.config.w2v.timePool;
          return a.slice([0, 0], [1, Math.floor(i.m.rows / step)]);
        });
        return [tf.sigmoid(g.logits), ...att].map((t) => t.dataSync() as Float32Array);
      }
      const r = this.model.predict(inputs.map((i) => this.toTensor(i.branch, i.m)));
      return (Array.isArray(r) ? r : [r]).map((t) => t.dataSync() as Float32Array);
    });
    const attention: Prediction['attention'] = {};
    inputs.forEach((i, k) => (attention[i.branch] = outs[k + 1]!));
    return { probabilities: Float32Array.from(outs[0]!), attention };
  }

  /**
   * The graph runner on one utterance that needs no chunking or edge padding: the raw features go to the
   * backend once and are z-scored and zero-padded there. Same numbers as run(prepare(…)) to float32
   * rounding, without two fresh feature-sized JS arrays per member (first touches of fresh memory were
   * a third of the ensemble's time in Chromium). null when the input needs the general path.
   */
  private runGraphDirect(input: PredictorInput): Prediction | null {
    const cfg = this.config;
    const min = minInputFrames(cfg);
    const maxFrames = this.manifest.features.maxFrames;
    const mats: Array<{ branch: Branch; m: Matrix; step: number }> = [];
    for (const branch of cfg.branches) {
      let m: Matrix;
      if (branch === 'cr') {
        if (input.features.logmelFrames === 0) return null;
        m = logmelInput(input.features, cfg.inputs.logmel);
      } else if (branch === 'lld') {
        if (input.features.lldFrames === 0) return null;
        m = lldInput(input.features, cfg.inputs.lld);
      } else {
        const w = input.w2v;
        if (!w || w.hidden !== cfg.inputs.w2vHidden) return null;
        m = { data: w.data, rows: w.frames, cols: w.hidden };
      }
      const need = branch === 'cr' ? min.logmel : branch === 'lld' ? min.lld : min.w2v;
      const frames100 = branch === 'w2v' ? m.rows * 2 : m.rows;
      if (m.rows < need || (maxFrames && frames100 > maxFrames)) return null;
      if (m.data.length !== m.rows * m.cols) return null;
      const step = branch === 'cr' ? crStride(cfg) : branch === 'lld' ? cfg.lld.timePool : cfg.w2v.timePool;
      mats.push({ branch, m, step });
    }
    this.graph ??= new MsirGraph(this.model, this.config);
    const graph = this.graph;
    const outs = tf.tidy(() => {
      const batch: GraphBatch = {};
      for (const { branch, m, step } of mats) {
        let x: tf.Tensor3D = tf.tensor3d(m.data, [1, m.rows, m.cols]);
        const z = this.zStats[branch]; // none for a w2v branch trained without z-scoring: as is
        if (z) x = x.sub(z.mean).div(z.std);
        const rows = Math.ceil(m.rows / step) * step;
        if (rows > m.rows) x = x.pad([[0, 0], [0, rows - m.rows], [0, 0]]);
        if (branch === 'cr') [batch.logmel, batch.logmelLengths] = [x.reshape<tf.Tensor4D>([1, rows, LOGMEL_BANDS, logmelChannels(cfg.inputs.logmel)]), [m.rows]];
        else if (branch === 'lld') [batch.lld, batch.lldLengths] = [x, [m.rows]];
        else [batch.w2v, batch.w2vLengths] = [x, [m.rows]];
      }
      const g = graph.forward(batch, false);
      const att = mats.map(({ branch, m, step }) => g.attention[branch]!.slice([0, 0], [1, Math.floor(m.rows / step)]));
      return [tf.sigmoid(g.logits), ...att].map((t) => t.dataSync() as Float32Array);
    });
    const attention: Prediction['attention'] = {};
    mats.forEach(({ branch }, k) => (attention[branch] = outs[k + 1]!));
    return { probabilities: Float32Array.from(outs[0]!), attention };
  }

  async predict(input: PredictorInput): Promise<Prediction> {
    if ((this.runner ?? defaultRunner(tf.getBackend())) === 'graph') {
      const direct = this.runGraphDirect(input);
      if (direct) return direct;
    }
    const prepared = this.prepare(input);
    const maxFrames = this.manifest.features.maxFrames;
    const longest = Math.max(...prepared.map((p) => (p.m.rows * 100) / p.rate));
    if (!maxFrames || longest <= maxFrames) return this.run(prepared);
    const n = Math.ceil(longest / maxFrames);
    const min = minInputFrames(this.config);
    const probs = new Float32Array(this.manifest.emotions.length);
    const att: Partial<Record<Branch, Float32Array[]>> = {};
    for (let c = 0; c < n; c++) {
      const weight = 1 / n;
      const chunk = prepared.map((p) => {
        const a = Math.floor((p.m.rows * c) / n);
        const b = Math.floor((p.m.rows * (c + 1)) / n);
        const need = p.branch === 'cr' ? min.logmel : p.branch === 'lld' ? min.lld : min.w2v;
        return { branch: p.branch, m: padRows(sliceRows(p.m, a, b), need) };
      });
      const r = this.run(chunk);
      r.probabilities.forEach((v, i) => (probs[i]! += v * weight));
      for (const [b, a] of Object.entries(r.attention) as Array<[Branch, Float32Array]>) (att[b] ??= []).push(a.map((v) => v * weight));
    }
    const attention: Prediction['attention'] = {};
    for (const [b, parts] of Object.entries(att) as Array<[Branch, Float32Array[]]>) {
      const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      attention[b] = out;
    }
    return { probabilities: probs, attention };
  }

  dispose(): void {
    for (const z of Object.values(this.zStats)) tf.dispose([z.mean, z.std]);
    this.zStats = {};
    this.model.dispose();
  }
}
