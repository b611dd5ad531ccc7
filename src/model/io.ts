// Save and load the layers model in the standard tfjs web format (model.json + one weights file) with
// plain tfjs: model.save('file://') would need tfjs-node, so Node writes the artifacts itself, and
// loading goes through tf.io.fromMemory (Node) or tf.loadLayersModel(url) (browser).
import * as tf from '@tensorflow/tfjs';
import './layers/attention.ts'; // registers MsirAttention before any model.json is deserialised

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

export interface ModelFiles {
  /** The model.json object (topology + weights manifest). */
  modelJson: Record<string, unknown>;
  weights: Uint8Array;
}

const isUrlLike = (s: string): boolean => /^(https?:|blob:|data:)/i.test(s);
export const inNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

// Through variables, so bundlers never pull node: modules into the browser build.
async function nodeFs(): Promise<typeof import('node:fs/promises')> {
  const name = 'node:fs/promises';
  return (await import(/* @vite-ignore */ name)) as typeof import('node:fs/promises');
}
async function nodePath(): Promise<typeof import('node:path')> {
  const name = 'node:path';
  return (await import(/* @vite-ignore */ name)) as typeof import('node:path');
}

function concatBuffers(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  const parts = Array.isArray(data) ? data : [data];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), o);
    o += p.byteLength;
  }
  return out;
}

/** Serialises a layers model to model.json + weights.bin contents. */
export async function serializeModel(model: tf.LayersModel): Promise<ModelFiles> {
  let files: ModelFiles | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      if (!a.weightSpecs || !a.weightData) throw new Error('model has no weights to save');
      files = {
        modelJson: {
          modelTopology: a.modelTopology,
          format: 'layers-model',
          generatedBy: a.generatedBy,
          convertedBy: null,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: a.weightSpecs }],
        },
        weights: concatBuffers(a.weightData as ArrayBuffer | ArrayBuffer[]),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!files) throw new Error('model.save produced no artifacts');
  return files;
}

/** Node: writes model.json and weights.bin into `dir` (created if needed). */
export async function saveModelDir(model: tf.LayersModel, dir: string): Promise<ModelFiles> {
  const fs = await nodeFs();
  const path = await nodePath();
  const files = await serializeModel(model);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, MODEL_FILE), JSON.stringify(files.modelJson));
  await fs.writeFile(path.join(dir, WEIGHTS_FILE), files.weights);
  return files;
}

/** Loads model.json + weights from memory. */
export async function loadModelFromFiles(files: ModelFiles): Promise<tf.LayersModel> {
  const j = files.modelJson as { modelTopology: object; weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
  const specs = j.weightsManifest.flatMap((g) => g.weights);
  const buf = files.weights.buffer.slice(files.weights.byteOffset, files.weights.byteOffset + files.weights.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: j.modelTopology, weightSpecs: specs, weightData: buf }));
}

/**
 * Loads a model folder's layers model: a directory in Node (read from disk), else a URL (plain
 * tf.loadLayersModel, which fetches model.json and its weight files relative to it).
 */
export async function loadModel(base: string, file = MODEL_FILE): Promise<tf.LayersModel> {
  if (inNode() && !isUrlLike(base)) {
    const fs = await nodeFs();
    const path = await nodePath();
    const modelJson = JSON.parse(await fs.readFile(path.join(base, file), 'utf8')) as ModelFiles['modelJson'] & {
      weightsManifest: Array<{ paths: string[] }>;
    };
    const chunks = await Promise.all(modelJson.weightsManifest.flatMap((g) => g.paths).map((p) => fs.readFile(path.join(base, p))));
    const weights = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      weights.set(c, o);
      o += c.length;
    }
    return loadModelFromFiles({ modelJson, weights });
  }
  return tf.loadLayersModel(resolveInFolder(base, file).href);
}

/** Reads manifest.json (or another JSON file) from a model folder: directory in Node, URL in the browser. */
export async function readJson(base: string, file: string): Promise<unknown> {
  if (inNode() && !isUrlLike(base)) {
    const fs = await nodeFs();
    const path = await nodePath();
    return JSON.parse(await fs.readFile(path.join(base, file), 'utf8')) as unknown;
  }
  const url = resolveInFolder(base, file);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot fetch ${url.href}: HTTP ${res.status} (not found)`);
  return (await res.json()) as unknown;
}

/** A subfolder of a model folder: a joined directory path in Node, a resolved URL in the browser. */
export async function childSource(base: string, folder: string): Promise<string> {
  if (inNode() && !isUrlLike(base)) {
    const path = await nodePath();
    return path.join(base, folder);
  }
  return resolveInFolder(base, folder.endsWith('/') ? folder : `${folder}/`).href;
}

/** `file` inside the model folder URL `base` (relative URLs resolve against the page). */
function resolveInFolder(base: string, file: string): URL {
  const pageBase = typeof location !== 'undefined' ? location.href : undefined;
  return new URL(file, new URL(base.endsWith('/') ? base : `${base}/`, pageBase));
}
