// EmotionPredictor for the linear baseline: the same interface as the neural model, so `msir eval`,
// the detector and the browser run it unchanged.
import { EMOTIONS } from '../emotions.ts';
import type { ModelManifest } from '../manifest.ts';
import type { EmotionPredictor, FeatureStreams, Prediction, PredictorInput } from '../predictor.ts';
import { functionalsSet, type FunctionalsSet } from './sets.ts';
import { checkNormalisation, LINEAR_WEIGHTS_FILE, LinearModelError, linearForward, parseLinearWeights, type LinearWeights } from './model.ts';

const isUrlLike = (s: string): boolean => /^(https?:|blob:|data:)/i.test(s);
const inNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Read a JSON file from a model folder: a directory in Node, a URL (absolute or page-relative) in the browser. */
export async function readModelJson(base: string, name: string): Promise<unknown> {
  if (inNode() && !isUrlLike(base)) {
    const fsName = 'node:fs/promises'; // via a variable: bundlers must not pull node:fs into the browser
    const pathName = 'node:path';
    const { readFile } = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
    const { join } = (await import(/* @vite-ignore */ pathName)) as typeof import('node:path');
    const file = join(base, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new LinearModelError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return JSON.parse(text) as unknown;
  }
  const pageBase = typeof location !== 'undefined' ? location.href : undefined;
  const url = new URL(name, new URL(base.endsWith('/') ? base : `${base}/`, pageBase));
  const res = await fetch(url);
  if (!res.ok) throw new LinearModelError(`cannot fetch ${url.href}: HTTP ${res.status}`);
  return (await res.json()) as unknown;
}

export class LinearPredictor implements EmotionPredictor {
  readonly manifest: ModelManifest;
  private readonly weights: LinearWeights;
  private readonly set: FunctionalsSet;

  get streams(): FeatureStreams {
    // Every set reads the LLDs; the eGeMAPS-style set also its band energies from the log-Mels.
    return { lld: true, logmel: this.set.name === 'egemaps' };
  }

  constructor(manifest: ModelManifest, weights: LinearWeights) {
    if (manifest.arch !== 'linear') throw new LinearModelError(`manifest arch is "${manifest.arch}", not "linear"`);
    if (manifest.emotions.join() !== EMOTIONS.join()) {
      throw new LinearModelError(`manifest emotions [${manifest.emotions.join(', ')}] differ from [${EMOTIONS.join(', ')}]`);
    }
    checkNormalisation(manifest.normalisation.functionals, manifest.functionals);
    this.set = functionalsSet(manifest.functionals);
    this.manifest = manifest;
    this.weights = weights;
  }

  async predict(input: PredictorInput): Promise<Prediction> {
    const f = this.set.compute(input.features, this.manifest.features.frameStepSec);
    return { probabilities: linearForward(f, this.manifest.normalisation.functionals, this.weights), attention: {} };
  }

  dispose(): void {
    // plain arrays: nothing to free
  }
}

/** Load linear.json from the model folder (directory in Node, URL in the browser) and build the predictor. */
export async function createLinearPredictor(manifest: ModelManifest, baseUrlOrDir: string): Promise<EmotionPredictor> {
  const weights = parseLinearWeights(await readModelJson(baseUrlOrDir, LINEAR_WEIGHTS_FILE), `${baseUrlOrDir}/${LINEAR_WEIGHTS_FILE}`, manifest.functionals);
  return new LinearPredictor(manifest, weights);
}
