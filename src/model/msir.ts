// The MSIR model as standard tfjs layers (+ the registered MsirAttention layer): what ships and what
// the browser loads with plain tf.loadLayersModel. Training runs a faster graph over these very layer
// variables (src/model/graph.ts), so export needs no weight conversion.
//
// Inputs (batch, time unknown): logmel [B, T, 40, C], lld [B, T, D], w2v [B, T, H] for the branches
// present, in that order. Outputs: [probabilities [B, 4], attention [B, T'] per branch present].
// Inference runs one unpadded utterance at a time, so the layers model needs no masks; the training
// graph masks padded frames and gives the same numbers (tests/model/graph.test.ts).
import * as tf from '@tensorflow/tfjs';
import { MsirAttention } from './layers/attention.ts';
import { LOGMEL_BANDS, lldDims, logmelChannels, type MsirConfig } from './presets.ts';
import { EMOTIONS } from './emotions.ts';

export { MsirAttention };

export const layerNames = {
  conv: (i: number) => `cr_conv${i + 1}`,
  bn: (i: number) => `cr_bn${i + 1}`,
  crDense: 'cr_frame_dense',
  bilstm: (b: string) => `${b}_bilstm`,
  attention: (b: string) => `${b}_attention`,
  headDense: 'head_dense',
  out: 'output',
} as const;

function bilstm(units: number, merge: 'concat' | 'sum', name: string): tf.layers.Layer {
  return tf.layers.bidirectional({
    layer: tf.layers.lstm({ units, returnSequences: true, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }) as tf.RNN,
    mergeMode: merge,
    name,
  });
}

export function buildMsirModel(cfg: MsirConfig, seed = 1): tf.LayersModel {
  if (cfg.branches.length === 0) throw new Error('MSIR needs at least one branch');
  // Layer initialisers draw from Math.random unless seeded; seed them for reproducibility.
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 1000 + k });
  let k = 0;
  const inputs: tf.SymbolicTensor[] = [];
  const pooled: tf.SymbolicTensor[] = [];
  const attentions: tf.SymbolicTensor[] = [];
  const alpha = cfg.leakyAlpha;

  const finish = (branch: string, seq: tf.SymbolicTensor) => {
    const att = new MsirAttention({ name: layerNames.attention(branch) }).apply(seq) as tf.SymbolicTensor[];
    pooled.push(att[0]!);
    attentions.push(att[1]!);
  };

  for (const branch of cfg.branches) {
    if (branch === 'cr') {
      const c = logmelChannels(cfg.inputs.logmel);
      const input = tf.input({ shape: [null, LOGMEL_BANDS, c], name: 'logmel' });
      inputs.push(input);
      let x: tf.SymbolicTensor = input;
      let bands = LOGMEL_BANDS;
      cfg.cr.convFilters.forEach((filters, i) => {
        x = tf.layers
          .conv2d({ filters, kernelSize: i === 0 ? [5, 3] : [3, 3], padding: 'same', useBias: false, name: layerNames.conv(i), kernelInitializer: init(k++) })
          .apply(x) as tf.SymbolicTensor;
        x = tf.layers.batchNormalization({ axis: -1, name: layerNames.bn(i) }).apply(x) as tf.SymbolicTensor;
        x = tf.layers.leakyReLU({ alpha }).apply(x) as tf.SymbolicTensor;
        x = tf.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2], padding: 'valid' }).apply(x) as tf.SymbolicTensor;
        bands = Math.floor(bands / 2);
      });
      if (cfg.cr.timePool > 1) {
        const p = cfg.cr.timePool;
        x = tf.layers.maxPooling2d({ poolSize: [p, 1], strides: [p, 1], padding: 'valid' }).apply(x) as tf.SymbolicTensor;
      }
      const last = cfg.cr.convFilters[cfg.cr.convFilters.length - 1]!;
      x = tf.layers.reshape({ targetShape: [-1, bands * last] }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.dense({ units: cfg.cr.frameDense, name: layerNames.crDense, kernelInitializer: init(k++) }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.leakyReLU({ alpha }).apply(x) as tf.SymbolicTensor;
      x = bilstm(cfg.cr.lstmUnits, 'concat', layerNames.bilstm('cr')).apply(x) as tf.SymbolicTensor;
      finish('cr', x);
    } else {
      const isLld = branch === 'lld';
      const dims = isLld ? lldDims(cfg.inputs.lld) : cfg.inputs.w2vHidden;
      const sub = isLld ? cfg.lld : cfg.w2v;
      const input = tf.input({ shape: [null, dims], name: branch });
      inputs.push(input);
      let x: tf.SymbolicTensor = input;
      if (sub.timePool > 1) {
        x = tf.layers.averagePooling1d({ poolSize: sub.timePool, strides: sub.timePool, padding: 'valid' }).apply(x) as tf.SymbolicTensor;
      }
      x = bilstm(sub.lstmUnits, 'sum', layerNames.bilstm(branch)).apply(x) as tf.SymbolicTensor;
      finish(branch, x);
    }
  }
  let h = pooled.length > 1 ? (tf.layers.concatenate({ axis: -1 }).apply(pooled) as tf.SymbolicTensor) : pooled[0]!;
  h = tf.layers.dense({ units: cfg.head.dense, activation: 'relu', name: layerNames.headDense, kernelInitializer: init(k++) }).apply(h) as tf.SymbolicTensor;
  if (cfg.head.dropout > 0) h = tf.layers.dropout({ rate: cfg.head.dropout }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: EMOTIONS.length, activation: 'sigmoid', name: layerNames.out, kernelInitializer: init(k++) })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs: [out, ...attentions], name: 'msir' });
}
