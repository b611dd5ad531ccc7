// loadPredictor: a model folder (directory in Node, URL in the browser) → EmotionPredictor, by
// manifest.arch: 'msir' (tfjs layers model via plain tf.loadLayersModel), 'linear' (the baseline) or
// 'ensemble' (member model folders inside this one, each loaded by this same function).
import { parseManifest, type ModelManifest } from './manifest.ts';
import { childSource, loadModel, readJson } from './io.ts';
import { MsirPredictor, type MsirRunner } from './msir-predictor.ts';
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

export interface LoadOptions {
  /** How MSIR networks run (MsirRunner); default: the graph on CPU backends, the layers model on GPUs. */
  runner?: MsirRunner;
}

export async function loadPredictor(source: string, opts: LoadOptions = {}): Promise<EmotionPredictor> {
  const manifest = await loadManifest(source);
  if (manifest.arch === 'ensemble') return loadEnsemble(manifest, source, opts);
  if (manifest.arch === 'linear') {
    const { createLinearPredictor } = await import('./linear/index.ts');
    return createLinearPredictor(manifest, source);
  }
  const model = await loadModel(source, manifest.msir!.modelFile);
  return new MsirPredictor(manifest, model, opts.runner);
}

async function loadEnsemble(manifest: ModelManifest, source: string, opts: LoadOptions): Promise<EmotionPredictor> {
  const { EnsemblePredictor } = await import('./ensemble-predictor.ts');
  const members: EmotionPredictor[] = [];
  try {
    for (const m of manifest.ensemble!.members) {
      const sub = await childSource(source, m.folder);
      let p: EmotionPredictor;
      try {
        p = await loadPredictor(sub, opts);
      } catch (err) {
        throw new Error(`ensemble member ${m.folder}: ${err instanceof Error ? err.message : String(err)}`);
      }
      members.push(p);
      // One level only: a nested ensemble would hide what actually runs.
      if (p.manifest.arch === 'ensemble') throw new Error(`ensemble member ${m.folder} is itself an ensemble`);
      if (p.manifest.branches.includes('w2v') && manifest.encoder === null) throw new Error(`ensemble member ${m.folder} has a w2v branch but the ensemble names no encoder`);
      // An ensemble's branches describe its members (`msir ensemble` writes their union).
      const unlisted = p.manifest.branches.filter((b) => !manifest.branches.includes(b));
      if (unlisted.length > 0) throw new Error(`ensemble member ${m.folder}'s manifest reads ${unlisted.join(', ')}, which the ensemble's manifest branches (${manifest.branches.join(', ') || 'none'}) do not list`);
    }
    return new EnsemblePredictor(manifest, members);
  } catch (err) {
    for (const p of members) p.dispose();
    throw err;
  }
}
