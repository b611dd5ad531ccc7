// loadPredictor: a model folder (directory in Node, URL in the browser) → EmotionPredictor, by
// manifest.arch: 'msir' (tfjs layers model via plain tf.loadLayersModel) or 'linear' (the baseline).
import { parseManifest, type ModelManifest } from './manifest.ts';
import { loadModel, readJson } from './io.ts';
import { MsirPredictor } from './msir-predictor.ts';
import type { EmotionPredictor } from './predictor.ts';

export const MANIFEST_FILE = 'manifest.json';

export async function loadManifest(source: string): Promise<ModelManifest> {
  let json: unknown;
  try {
    json = await readJson(source, MANIFEST_FILE);
  } catch (err) {
    throw new Error(`cannot read ${MANIFEST_FILE} of the model at ${source}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseManifest(json);
}

export async function loadPredictor(source: string): Promise<EmotionPredictor> {
  const manifest = await loadManifest(source);
  if (manifest.arch === 'linear') {
    const { createLinearPredictor } = await import('./linear/index.ts');
    return createLinearPredictor(manifest, source);
  }
  const model = await loadModel(source, manifest.msir!.modelFile);
  return new MsirPredictor(manifest, model);
}
