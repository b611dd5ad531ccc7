// Imported by tests/e2e/model-load.test.ts into a page: the shipped MSIR model through the browser path
// (fetch + plain tf.loadLayersModel; an ensemble's members from its subfolders) on the cpu backend, so numbers can be compared with Node's exactly.
import * as tf from '@tensorflow/tfjs';
import { loadAudio } from '../../src/audio/index.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import { loadModel } from '../../src/model/io.ts';
import { loadPredictor } from '../../src/model/load.ts';

export async function runModel(modelUrl: string, clips: number[][], plainUrl = modelUrl): Promise<{ probs: number[][]; attention: number[][]; plain: number[][]; backend: string; arch: string }> {
  await tf.setBackend('cpu');
  const p = await loadPredictor(modelUrl);
  const probs: number[][] = [];
  const attention: number[][] = [];
  const feats = [];
  for (const bytes of clips) {
    const f = new FeatureExtractor().extract(await loadAudio(new Uint8Array(bytes)));
    feats.push(f);
    const r = await p.predict({ features: f });
    probs.push(Array.from(r.probabilities));
    attention.push(Array.from(r.attention.cr ?? []));
  }
  // Plain tf.loadLayersModel of model.json on fixed inputs (no predictor code in between).
  const m = await loadModel(plainUrl);
  const x = [tf.ones([1, 64, 40, 2]), tf.ones([1, 64, 195]).mul(0.5)];
  const plain = (m.predict(x) as tf.Tensor[]).map((t) => Array.from(t.dataSync()));
  return { probs, attention, plain, backend: tf.getBackend(), arch: p.manifest.arch };
}
