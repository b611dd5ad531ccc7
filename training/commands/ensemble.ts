// `msir ensemble --member DIR --member DIR … --corpus DIR --out DIR`: combine trained model folders
// (any arch) into one ensemble model folder. Members are copied into OUT/members/; the ensemble's
// thresholds are chosen on the val split over the weighted mean of the members' probabilities (the same
// rule as training), and test metrics are measured through the real loader (loadPredictor).
import { cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LEGACY_LLD_ACTIVITY, type SpeakerNormSpec } from '../../src/features/speaker-norm.ts';
import { chooseThresholds, evaluate, type EvalReport } from '../../src/eval/metrics.ts';
import { EMOTIONS } from '../../src/model/emotions.ts';
import { loadManifest, MANIFEST_FILE } from '../../src/model/load.ts';
import { MANIFEST_FORMAT_VERSION, parseManifest, type Branch, type ModelManifest } from '../../src/model/manifest.ts';
import { gitCommit } from '../provenance.ts';
import { parseCommand, usageError } from './cli-args.ts';
import { BACKEND_USAGE, backendChoiceError, initBackend, isBackendChoice } from '../backend/index.ts';
import { evaluateModel, reportOf } from './eval.ts';

const usage = `usage: msir ensemble --member DIR --member DIR [--member DIR…] --corpus DIR [--corpus DIR…] --out DIR [options]

Combines trained model folders (msir or linear, e.g. several seeds) into one model whose positive
probability per emotion is the weighted mean of the members'. Members are copied into OUT/members/;
thresholds are chosen on the corpora's val split over the mean; test metrics go into the manifest.
  --member DIR       a trained model folder; repeat (at least 2)
  --weights LIST     weight per member, comma-separated (default: all 1)
  --corpus DIR       corpus for threshold selection (val) and test metrics; repeat to pool
  --out DIR          the ensemble model folder (replaced if it already holds a model)
  --name NAME        model name (default: OUT's folder name)
  --wav2vec2 DIR     wav2vec2 model folder (when a member has a w2v branch)
  --cache DIR        feature cache folder (default .cache/features)
  --workers N        feature extraction threads (default: all cores)
${BACKEND_USAGE}`;

export interface EnsembleOptions {
  members: string[];
  weights?: number[];
  corpora: string[];
  out: string;
  name?: string;
  wav2vec2?: string;
  cacheDir?: string;
  workers?: number;
  log?: (line: string) => void;
}

export interface EnsembleResult {
  manifest: ModelManifest;
  val: EvalReport;
  test: EvalReport | null;
}

/** Folder names for the members: their manifest names, made unique and path-safe. */
function memberFolders(manifests: ModelManifest[]): string[] {
  const used = new Set<string>();
  return manifests.map((m, i) => {
    let base = m.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || `member${i + 1}`;
    if (used.has(base)) base = `${base}-${i + 1}`;
    used.add(base);
    return `members/${base}`;
  });
}

/** Same speaker normalisation: both absent, or equal settings and priors within float rounding. */
export function sameSpeakerNorm(a: SpeakerNormSpec | undefined, b: SpeakerNormSpec | undefined): boolean {
  if (!a || !b) return !a && !b;
  if (a.priorFrames !== b.priorFrames || a.activityDb !== b.activityDb || (a.lldActivity ?? LEGACY_LLD_ACTIVITY) !== (b.lldActivity ?? LEGACY_LLD_ACTIVITY)) return false;
  const close = (x: number[], y: number[]): boolean => x.length === y.length && x.every((v, i) => Math.abs(v - y[i]!) <= 1e-6 * Math.max(1, Math.abs(v)));
  return (['logmel', 'lld'] as const).every((k) => close(a.prior[k].mean, b.prior[k].mean) && close(a.prior[k].std, b.prior[k].std));
}

async function prepareOut(out: string, members: string[]): Promise<void> {
  const abs = path.resolve(out);
  for (const m of members) {
    const rel = path.relative(path.resolve(m), abs);
    if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) throw new Error(`--out ${out} lies inside member ${m}`);
  }
  const entries = await readdir(abs).catch(() => null);
  if (entries && entries.length > 0) {
    // Only ever replace a model folder, never some other directory the user pointed at by mistake.
    if (!entries.includes(MANIFEST_FILE)) throw new Error(`--out ${out} exists, is not empty and holds no ${MANIFEST_FILE}: refusing to overwrite it`);
    await rm(abs, { recursive: true });
  }
  await mkdir(abs, { recursive: true });
}

/** The programmatic core of `msir ensemble`. */
export async function buildEnsemble(o: EnsembleOptions): Promise<EnsembleResult> {
  const log = o.log ?? (() => {});
  if (o.members.length < 2) throw new Error('an ensemble needs at least 2 members');
  const weights = o.weights ?? o.members.map(() => 1);
  if (weights.length !== o.members.length) throw new Error(`--weights has ${weights.length} values for ${o.members.length} members`);
  if (!weights.every((w) => Number.isFinite(w) && w > 0)) throw new Error('--weights must be positive numbers');

  const manifests: ModelManifest[] = [];
  for (const m of o.members) {
    if (!(await stat(m).catch(() => null))?.isDirectory()) throw new Error(`member ${m} is not a folder`);
    const man = await loadManifest(m);
    if (man.arch === 'ensemble') throw new Error(`member ${m} is itself an ensemble: list its members instead`);
    manifests.push(man);
  }
  const emotions = manifests[0]!.emotions;
  for (const [i, man] of manifests.entries()) {
    const missing = emotions.filter((e) => !man.emotions.includes(e));
    if (missing.length) throw new Error(`member ${o.members[i]} does not detect ${missing.join(', ')}`);
    if (man.features.frameStepSec !== manifests[0]!.features.frameStepSec) throw new Error(`member ${o.members[i]} uses another frame step`);
    // All members see one feature extraction, so they must agree on the input level normalisation.
    if (man.features.levelDb !== manifests[0]!.features.levelDb) throw new Error(`member ${o.members[i]} has levelDb ${man.features.levelDb ?? 'off'}, member ${o.members[0]} ${manifests[0]!.features.levelDb ?? 'off'}: members must normalise input levels alike`);
  }
  const sn = manifests[0]!.speakerNormalisation;
  for (const [i, man] of manifests.entries()) {
    if (!sameSpeakerNorm(man.speakerNormalisation, sn)) throw new Error(`member ${o.members[i]} normalises features per speaker ${man.speakerNormalisation ? 'with other statistics' : 'not at all'} than member ${o.members[0]}: members must share one speaker normalisation (train them on the same corpora with the same --speaker-norm)`);
  }
  const encoders = [...new Set(manifests.filter((m) => m.encoder).map((m) => m.encoder!.sha256))];
  if (encoders.length > 1) throw new Error('members were trained on different wav2vec2 encoders');
  const encoder = manifests.find((m) => m.encoder)?.encoder ?? null;

  await prepareOut(o.out, o.members);
  const folders = memberFolders(manifests);
  for (const [i, src] of o.members.entries()) await cp(path.resolve(src), path.join(o.out, folders[i]!), { recursive: true });

  const branches = (['cr', 'lld', 'w2v'] as Branch[]).filter((b) => manifests.some((m) => m.branches.includes(b)));
  const corpora = new Map<string, string>();
  for (const m of manifests) for (const c of m.training.corpora) corpora.set(c.name, c.licence);
  const manifest: ModelManifest = {
    formatVersion: MANIFEST_FORMAT_VERSION,
    name: o.name ?? path.basename(path.resolve(o.out)),
    arch: 'ensemble',
    branches,
    // Informational: per input, the variant of the first member that has it (members may differ).
    inputs: Object.assign({}, ...[...manifests].reverse().map((m) => m.inputs)) as ModelManifest['inputs'],
    features: { ...manifests[0]!.features },
    ...(sn ? { speakerNormalisation: sn } : {}),
    normalisation: {},
    emotions: [...emotions],
    thresholds: emotions.map(() => 0.5),
    encoder,
    training: {
      corpora: [...corpora].map(([name, licence]) => ({ name, licence })),
      note: 'An ensemble inherits the terms of every member\'s training corpora: RAVDESS is CC BY-NC-SA 4.0 (non-commercial, share-alike), EmoDB is free for research. Do not use this model commercially.',
      seed: manifests[0]!.training.seed,
      commit: gitCommit(),
      date: new Date().toISOString(),
      thresholdCorpora: o.corpora.map((c) => path.basename(path.resolve(c))),
      members: manifests.map((m, i) => ({
        folder: folders[i],
        name: m.name,
        arch: m.arch,
        branches: m.branches,
        seed: m.training.seed,
        weight: weights[i],
        metrics: Object.fromEntries(Object.entries(m.metrics).map(([k, v]) => [k, (v as Partial<EvalReport>)?.summary ?? null])),
      })),
    },
    metrics: {},
    ensemble: { members: folders.map((folder, i) => ({ folder, weight: weights[i]! })) },
  };
  const write = async (): Promise<void> => {
    parseManifest(JSON.parse(JSON.stringify(manifest)));
    await writeFile(path.join(o.out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
  };
  await write();

  const evalOpts = { model: o.out, corpora: o.corpora, wav2vec2: o.wav2vec2, cacheDir: o.cacheDir, workers: o.workers };
  log(`ensemble of ${o.members.length}: choosing thresholds on val`);
  const val = await evaluateModel({ ...evalOpts, split: 'val' });
  const valProbs = val.clips.map((c) => EMOTIONS.map((e) => c.probabilities[e]));
  const valLabels = val.clips.map((c) => c.label);
  const chosen = chooseThresholds(valProbs, valLabels); // EMOTIONS order
  manifest.thresholds = emotions.map((e) => chosen[EMOTIONS.indexOf(e)]!);
  const valReport = evaluate(valProbs, valLabels, chosen);
  await write();

  let test: EvalReport | null = null;
  try {
    log('measuring test');
    test = reportOf(await evaluateModel({ ...evalOpts, split: 'test' }));
  } catch (err) {
    // A corpus set without a test split still yields a usable ensemble.
    if (!/no clips of the 4-class subset/.test(err instanceof Error ? err.message : String(err))) throw err;
  }
  manifest.metrics = { val: valReport, ...(test ? { test } : {}) };
  await write();
  log(`wrote ${o.out}: val mean UAR ${valReport.summary.uar.toFixed(2)}, F1 ${valReport.summary.f1.toFixed(2)}`);
  if (test) log(`test: mean UAR ${test.summary.uar.toFixed(2)}, mean F1 ${test.summary.f1.toFixed(2)}, 4-class UAR ${test.fourClassUar.toFixed(2)} (n=${test.n})`);
  return { manifest, val: valReport, test };
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('ensemble', usage, {
    args,
    options: {
      member: { type: 'string', multiple: true },
      weights: { type: 'string' },
      corpus: { type: 'string', multiple: true },
      out: { type: 'string' },
      name: { type: 'string' },
      wav2vec2: { type: 'string' },
      cache: { type: 'string' },
      workers: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const bad = usageError('ensemble', usage);
  if (!values.member || values.member.length < 2) return bad('at least two --member folders are required');
  if (!values.corpus?.length) return bad('at least one --corpus is required (its val split chooses the thresholds)');
  if (!values.out) return bad('--out is required');
  const weights = values.weights?.split(',').map(Number);
  if (weights && !(weights.length === values.member.length && weights.every((w) => Number.isFinite(w) && w > 0))) return bad(`--weights must list ${values.member.length} positive numbers`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers > 0)) return bad('--workers must be a positive integer');
  if (!isBackendChoice(values.backend)) return bad(backendChoiceError(values.backend));
  console.log(`backend: ${await initBackend(values.backend)}`);
  await buildEnsemble({
    members: values.member,
    weights,
    corpora: values.corpus,
    out: values.out,
    name: values.name,
    wav2vec2: values.wav2vec2,
    cacheDir: values.cache,
    workers,
    log: (l) => console.log(l),
  });
  return 0;
}
