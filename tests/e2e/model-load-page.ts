// Imported by tests/e2e/model-load.test.ts into a page: the shipped MSIR model through the browser path
// (fetch + plain tf.loadLayersModel; an ensemble's members from its subfolders) on the cpu backend, so numbers can be compared with Node's exactly.
// Clips go through the model's own input pipeline: level normalisation (manifest.features.levelDb) and,
// for a speaker-normalised model, the training prior alone (the detector's 'global' mode).
import * as tf from '@tensorflow/tfjs';
import { loadAudio } from '../../src/audio/index.ts';
import { audioForModel } from '../../src/audio/normalise-level.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import { normaliseGlobal } from '../../src/features/speaker-norm.ts';
import { loadModel } from '../../src/model/io.ts';
import { loadPredictor } from '../../src/model/load.ts';

/** A constant model input: its shape and the value that fills it. */
export interface PlainInput {
  shape: number[];
  value: number;
}

export async function runModel(
  modelUrl: string,
  clips: number[][],
  plainUrl: string,
  plainInputs: PlainInput[],
): Promise<{ probs: number[][]; attention: Record<string, number[]>[]; plain: number[][]; backend: string; arch: string }> {
  await tf.setBackend('cpu');
  const p = await loadPredictor(modelUrl);
  const { levelDb } = p.manifest.features;
  const spec = p.manifest.speakerNormalisation;
  const probs: number[][] = [];
  const attention: Record<string, number[]>[] = [];
  for (const bytes of clips) {
    const raw = new FeatureExtractor().extract(audioForModel(await loadAudio(new Uint8Array(bytes)), levelDb));
    const r = await p.predict({ features: spec ? normaliseGlobal(spec, raw) : raw });
    probs.push(Array.from(r.probabilities));
    attention.push(Object.fromEntries(Object.entries(r.attention).map(([b, a]) => [b, Array.from(a)])));
  }
  // Plain tf.loadLayersModel of model.json on fixed inputs (no predictor code in between).
  const m = await loadModel(plainUrl);
  const x = plainInputs.map((i) => tf.fill(i.shape, i.value));
  const plain = (m.predict(x) as tf.Tensor[]).map((t) => Array.from(t.dataSync()));
  return { probs, attention, plain, backend: tf.getBackend(), arch: p.manifest.arch };
}
