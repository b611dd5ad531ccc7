// Model manifest (public/models/<name>/manifest.json): the only thing besides weights a detector needs.
// Type, and parseManifest: validation with a clear message for every problem.
import { isLevelDb } from '../audio/normalise-level.ts';
import { statsRangeProblem } from '../features/normalise.ts';
import { checkSpec, type SpeakerNormSpec } from '../features/speaker-norm.ts';
import { EMOTIONS, type Emotion } from './emotions.ts';
import type { MsirConfig } from './presets.ts';

export type Branch = 'cr' | 'lld' | 'w2v';

/** Functionals sets of the linear arch (src/model/linear/sets.ts). */
export const FUNCTIONALS_SET_NAMES = ['project', 'compare', 'egemaps'] as const;
export type FunctionalsSetName = (typeof FUNCTIONALS_SET_NAMES)[number];

export interface NormalisationStats {
  mean: number[];
  std: number[];
}

export interface ModelManifest {
  formatVersion: 1;
  name: string;
  /** 'msir' = tfjs layers model (model.json); 'linear' = functionals + linear classifier baseline;
   *  'ensemble' = the mean of member models' probabilities (members in subfolders, each a model folder). */
  arch: 'msir' | 'linear' | 'ensemble';
  branches: Branch[];
  /** Input variants (paper Table 1): log-Mel '2d' = static+Δ, '3d' = +Δ²; LLD '1d' | '2d' | '3d'. */
  inputs: { logmel?: '2d' | '3d'; lld?: '1d' | '2d' | '3d'; w2v?: { hiddenSize: number } };
  /** levelDb: audio is scaled to this active speech level (dBFS) before feature extraction
   *  (src/audio/normalise-level.ts); absent = features of the raw audio, as older models were trained. */
  features: { sampleRate: 16000; frameStepSec: number; logmelBands: number; lldCount: number; maxFrames?: number; levelDb?: number };
  /** Speaker/session normalisation of the feature frames before everything else (src/features/speaker-norm.ts):
   *  per speaker in training and evaluation, running over the session live, the prior alone as the fallback.
   *  Absent = features go to the model as extracted (older models). */
  speakerNormalisation?: SpeakerNormSpec;
  /** z-score statistics per input ('logmel', 'lld', 'w2v', 'functionals'), fitted on the training split. */
  normalisation: Record<string, NormalisationStats>;
  emotions: Emotion[];
  /** Per-emotion decision thresholds on the positive probability, in `emotions` order. */
  thresholds: number[];
  encoder: { name: string; hiddenSize: number; sha256: string } | null;
  training: {
    corpora: Array<{ name: string; licence: string }>;
    seed: number;
    commit: string;
    date: string;
    [key: string]: unknown;
  };
  metrics: Record<string, unknown>;
  /** arch 'linear' only: the utterance functionals it runs on; absent = 'project' (every older linear model). */
  functionals?: FunctionalsSetName;
  /** arch 'msir' only: the tfjs layers model file in the folder and the architecture it was built from. */
  msir?: { modelFile: string; config: MsirConfig };
  /** arch 'ensemble' only: member model folders, relative to this one, and their weights in the mean. */
  ensemble?: { members: EnsembleMember[] };
}

export interface EnsembleMember {
  /** Subfolder holding the member's manifest.json and weights ('members/seed1'); no '..', not absolute. */
  folder: string;
  /** Weight in the weighted mean of positive probabilities (> 0). */
  weight: number;
}

export const MANIFEST_FORMAT_VERSION = 1;
/** Frame step of every feature stream (src/features/framing.ts: 160 samples at 16 kHz). */
export const FRAME_STEP_SEC = 0.01;

export class ManifestError extends Error {
  constructor(message: string) {
    super(`invalid model manifest: ${message}`);
    this.name = 'ManifestError';
  }
}

const BRANCHES: Branch[] = ['cr', 'lld', 'w2v'];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

function need(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new ManifestError(msg);
}

function checkStats(name: string, s: unknown, dims?: number): void {
  need(isObj(s), `normalisation.${name} must be an object with mean and std`);
  need(isNumArray(s.mean) && isNumArray(s.std), `normalisation.${name}.mean and .std must be arrays of finite numbers`);
  need(s.mean.length === s.std.length && s.mean.length > 0, `normalisation.${name}: mean (${s.mean.length}) and std (${s.std.length}) lengths differ or are empty`);
  need(s.std.every((x) => x > 0), `normalisation.${name}.std must be positive`);
  const range = statsRangeProblem(s.mean, s.std);
  need(range === null, `normalisation.${name}: ${range}`);
  if (dims !== undefined) need(s.mean.length === dims, `normalisation.${name} has ${s.mean.length} columns, expected ${dims}`);
}

/** Validates a parsed manifest.json; throws ManifestError naming the first problem found. */
export function parseManifest(json: unknown): ModelManifest {
  need(isObj(json), 'not a JSON object');
  const m = json;
  need(m.formatVersion === MANIFEST_FORMAT_VERSION, `formatVersion must be ${MANIFEST_FORMAT_VERSION}, got ${JSON.stringify(m.formatVersion)}`);
  need(typeof m.name === 'string' && m.name.length > 0, 'name must be a non-empty string');
  need(m.arch === 'msir' || m.arch === 'linear' || m.arch === 'ensemble', `arch must be "msir", "linear" or "ensemble", got ${JSON.stringify(m.arch)}`);
  need(Array.isArray(m.branches), 'branches must be an array');
  const branches = m.branches as unknown[];
  need(branches.every((b) => BRANCHES.includes(b as Branch)), `branches must be among ${BRANCHES.join(', ')}: got ${JSON.stringify(branches)}`);
  need(new Set(branches).size === branches.length, 'branches has duplicates');
  need(isObj(m.inputs), 'inputs must be an object');
  const inputs = m.inputs;
  need(inputs.logmel === undefined || inputs.logmel === '2d' || inputs.logmel === '3d', 'inputs.logmel must be "2d" or "3d"');
  need(inputs.lld === undefined || ['1d', '2d', '3d'].includes(inputs.lld as string), 'inputs.lld must be "1d", "2d" or "3d"');
  need(isObj(m.features), 'features must be an object');
  const f = m.features;
  need(f.sampleRate === 16000, `features.sampleRate must be 16000, got ${JSON.stringify(f.sampleRate)}`);
  // The extractor has one frame step; another value would only rescale slopes and durations wrongly.
  need(f.frameStepSec === FRAME_STEP_SEC, `features.frameStepSec must be ${FRAME_STEP_SEC} (the extractor's 10 ms frames), got ${JSON.stringify(f.frameStepSec)}`);
  need(typeof f.logmelBands === 'number' && typeof f.lldCount === 'number', 'features.logmelBands and features.lldCount must be numbers');
  need(f.levelDb === undefined || isLevelDb(f.levelDb), 'features.levelDb must be a number of dBFS in [-60, 0]');
  need(f.maxFrames === undefined || (Number.isInteger(f.maxFrames) && (f.maxFrames as number) > 0), 'features.maxFrames must be a positive integer');
  if (m.speakerNormalisation !== undefined) {
    try {
      checkSpec(m.speakerNormalisation);
    } catch (err) {
      throw new ManifestError((err as Error).message);
    }
  }
  need(isObj(m.normalisation), 'normalisation must be an object');
  for (const [k, v] of Object.entries(m.normalisation)) checkStats(k, v);
  need(Array.isArray(m.emotions) && m.emotions.length > 0, 'emotions must be a non-empty array');
  need(m.emotions.every((e) => (EMOTIONS as readonly unknown[]).includes(e)) && new Set(m.emotions).size === m.emotions.length, `emotions must be distinct names among ${EMOTIONS.join(', ')}`);
  need(isNumArray(m.thresholds) && m.thresholds.length === m.emotions.length, `thresholds must be ${m.emotions.length} numbers`);
  need(m.thresholds.every((t) => t >= 0 && t <= 1), 'thresholds must lie in [0, 1]');
  need(m.encoder === null || (isObj(m.encoder) && typeof m.encoder.name === 'string' && typeof m.encoder.hiddenSize === 'number' && typeof m.encoder.sha256 === 'string'), 'encoder must be null or { name, hiddenSize, sha256 }');
  if (branches.includes('w2v')) need(m.encoder !== null, 'a model with a w2v branch needs an encoder');
  need(isObj(m.training), 'training must be an object');
  const t = m.training;
  need(Array.isArray(t.corpora) && t.corpora.every((c) => isObj(c) && typeof c.name === 'string' && typeof c.licence === 'string'), 'training.corpora must list { name, licence }');
  need(typeof t.seed === 'number' && typeof t.commit === 'string' && typeof t.date === 'string', 'training needs seed (number), commit and date (strings)');
  need(isObj(m.metrics), 'metrics must be an object');
  if (m.functionals !== undefined) {
    need(m.arch === 'linear', `functionals is a field of linear models only (arch is ${JSON.stringify(m.arch)})`);
    need((FUNCTIONALS_SET_NAMES as readonly unknown[]).includes(m.functionals), `functionals must be one of ${FUNCTIONALS_SET_NAMES.join(', ')}, got ${JSON.stringify(m.functionals)}`);
  }
  // Functionals are computed from the LLD stream.
  if (m.arch === 'linear') need(branches.includes('lld'), 'a linear model reads the LLD stream: branches must include "lld"');
  if (m.arch === 'msir') {
    need(branches.length > 0, 'an msir model needs at least one branch');
    need(isObj(m.msir) && typeof m.msir.modelFile === 'string' && isObj(m.msir.config), 'an msir model needs msir.modelFile and msir.config');
    const cfg = m.msir.config;
    need(Array.isArray(cfg.branches) && cfg.branches.join() === branches.join(), 'msir.config.branches must equal branches');
    need(isObj(cfg.cr) && isObj(cfg.lld) && isObj(cfg.w2v) && isObj(cfg.head) && isObj(cfg.inputs), 'msir.config must have cr, lld, w2v, head and inputs');
    if (branches.includes('cr')) checkStats('logmel', (m.normalisation as Record<string, unknown>).logmel);
    if (branches.includes('lld')) checkStats('lld', (m.normalisation as Record<string, unknown>).lld);
  }
  if (m.arch === 'ensemble') {
    need(isObj(m.ensemble) && Array.isArray(m.ensemble.members) && m.ensemble.members.length > 0, 'an ensemble model needs ensemble.members (a non-empty array)');
    for (const [i, mem] of (m.ensemble.members as unknown[]).entries()) {
      need(isObj(mem) && typeof mem.folder === 'string' && mem.folder.length > 0, `ensemble.members[${i}].folder must be a non-empty string`);
      // Members must live inside the model folder: a manifest must not make a loader read elsewhere.
      need(!/^([a-z]+:|\/|\\)/i.test(mem.folder) && !mem.folder.split(/[\\/]/).includes('..'), `ensemble.members[${i}].folder must be a relative path inside the model folder, got ${JSON.stringify(mem.folder)}`);
      need(typeof mem.weight === 'number' && Number.isFinite(mem.weight) && mem.weight > 0, `ensemble.members[${i}].weight must be a positive number`);
    }
  }
  return m as unknown as ModelManifest;
}
