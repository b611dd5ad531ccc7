// The linear baseline's weights (linear.json beside manifest.json) and its forward pass:
// z-score (manifest.normalisation.functionals) → one logistic unit per emotion (an SVM exports its
// Platt-scaled decision function, so it runs through the same unit).
import { EMOTIONS } from '../emotions.ts';
import type { FunctionalsSetName, NormalisationStats } from '../manifest.ts';
import { functionalsSet } from './sets.ts';

export const LINEAR_WEIGHTS_FILE = 'linear.json';

export interface LinearWeights {
  formatVersion: 1;
  functionalsVersion: number;
  dim: number;
  /** [emotion][dim] in EMOTIONS order, on z-scored functionals. */
  weights: number[][];
  bias: number[];
}

export class LinearModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinearModelError';
  }
}

const isNumArray = (x: unknown, n: number): x is number[] =>
  Array.isArray(x) && x.length === n && x.every((v) => typeof v === 'number' && Number.isFinite(v));

/** Validate linear.json (clear errors for a wrong or damaged file). */
export function parseLinearWeights(json: unknown, source = LINEAR_WEIGHTS_FILE, set?: FunctionalsSetName): LinearWeights {
  const { version: FUNCTIONALS_VERSION, dim: FUNCTIONALS_DIM, name } = functionalsSet(set);
  const bad = (why: string): LinearModelError => new LinearModelError(`${source}: ${why}`);
  if (typeof json !== 'object' || json === null) throw bad('not a JSON object');
  const o = json as Record<string, unknown>;
  if (o.formatVersion !== 1) throw bad(`unsupported formatVersion ${String(o.formatVersion)} (expected 1)`);
  if (o.functionalsVersion !== FUNCTIONALS_VERSION) {
    throw bad(`functionals version ${String(o.functionalsVersion)}, this code computes version ${FUNCTIONALS_VERSION} of the ${name} set: retrain the baseline`);
  }
  if (o.dim !== FUNCTIONALS_DIM) throw bad(`dim ${String(o.dim)}, expected ${FUNCTIONALS_DIM}`);
  if (!Array.isArray(o.weights) || o.weights.length !== EMOTIONS.length || !o.weights.every((w) => isNumArray(w, FUNCTIONALS_DIM))) {
    throw bad(`weights must be ${EMOTIONS.length} arrays of ${FUNCTIONALS_DIM} finite numbers`);
  }
  if (!isNumArray(o.bias, EMOTIONS.length)) throw bad(`bias must be ${EMOTIONS.length} finite numbers`);
  return o as unknown as LinearWeights;
}

export function checkNormalisation(stats: NormalisationStats | undefined, set?: FunctionalsSetName): NormalisationStats {
  const FUNCTIONALS_DIM = functionalsSet(set).dim;
  if (!stats || !isNumArray(stats.mean, FUNCTIONALS_DIM) || !isNumArray(stats.std, FUNCTIONALS_DIM) || stats.std.some((s) => s <= 0)) {
    throw new LinearModelError(`manifest.normalisation.functionals must hold ${FUNCTIONALS_DIM} means and positive stds`);
  }
  return stats;
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Positive probability per emotion (EMOTIONS order) for raw functionals. */
export function linearForward(functionals: Float32Array, norm: NormalisationStats, w: LinearWeights): Float32Array {
  const out = new Float32Array(w.weights.length);
  for (let k = 0; k < w.weights.length; k++) {
    const wk = w.weights[k];
    let z = w.bias[k];
    for (let d = 0; d < functionals.length; d++) z += wk[d] * ((functionals[d] - norm.mean[d]) / norm.std[d]);
    out[k] = sigmoid(z);
  }
  return out;
}
