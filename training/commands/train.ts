// `msir train`: train the MSIR model (default) or the linear baseline (--arch svm) into a model folder.
import { isSpeed, MAX_SPEED, MIN_SPEED } from '../augment/speed.ts';
import { AUGMENT_USAGE, parseAugmentSpec } from '../augment/index.ts';
import { parseArgs } from 'node:util';
import { BACKEND_USAGE, backendChoiceError, initBackend, isBackendChoice } from '../backend/index.ts';
import type { Branch } from '../../src/model/manifest.ts';
import { DEFAULT_LEVEL_DB, isLevelDb } from '../../src/audio/normalise-level.ts';
import { PRESETS, type LldVariant, type LogmelVariant, type PresetName } from '../../src/model/presets.ts';

const usage = `usage: msir train --corpus DIR [--corpus DIR…] --out DIR [options]

Trains on the 4-class subset (happy, neutral, sad, angry) of the corpora's train split, selects the
best epoch and per-emotion thresholds on val, reports test, and writes a model folder.
  --arch msir|svm          model (default msir); svm = the linear baselines (utterance functionals → z-score
                           → linear classifier per emotion, C chosen on val), options:
  --functionals SET        project (default: 65 LLDs + Δ × 10 functionals, 1300), compare (ComParE 2016
                           functionals, 6373) or egemaps (eGeMAPS-style, 66 of the 88)
  --classifier logreg|svm  L2 logistic regression (default) or linear SVM (L2-loss, dual coordinate
                           descent, Platt-scaled on val)
  --branches LIST          cr,lld,w2v subset (default cr,lld)
  --preset cpu|paper|tiny  model size (default cpu)
  --logmel 2d|3d           log-Mel input variant (default 2d)
  --lld 1d|2d|3d           LLD input variant (default 3d)
  --lld-pool N             LLD branch: average-pool N frames in time before its BiLSTM (default: the
                           preset's; cpu 8, paper 1)
  --loss focal|ce          focal loss or cross-entropy (default focal)
  --focal-theta LIST       θ per emotion or one value (default 2)
  --focal-zeta LIST        ζ per emotion or one value (default 1)
  --lr LIST                learning rate, or a comma list to grid-search on val (default 0.003)
  --epochs N               maximum epochs (default 30)
  --patience N             stop after N epochs without a better val mean UAR (default 8)
  --batch N                effective batch (default 64); --micro-batch N per graph (default 16)
  --crop N                 training crop in 10 ms frames (default 300)
  --noise X                Gaussian noise std on normalised inputs (default 0.1; 0 = off)
  --mask N,F,B             SpecAugment-style masking: N time spans ≤ F frames and N log-Mel band spans
                           ≤ B bands per clip (default 2,30,6; 0,0,0 = off)
  --average-top K         average the weights of the K epochs with the best val mean UAR (default 1 = best
                           epoch only); thresholds are chosen for the averaged model
  --aux-emotions W        multi-task: an auxiliary softmax over the corpora's own emotion names (calm,
                           fearful, boredom, …), loss weight W, also trained on the train speakers'
                           clips outside the four emotions; dropped at export (default off)
  --aux-fraction F         share of those extra clips drawn into each epoch (default 0.5)
  --adv-speakers W         speaker-adversarial head: an MLP learns to tell the training speakers apart
                           from the detectors' hidden layer behind gradient reversal ramping up to W,
                           pushing the model towards speaker-independent cues; dropped at export
                           (default off)
  --speed LIST             speed-perturbed copies of every training clip (e.g. 0.9,1.1; default off):
                           each epoch trains on the clip or one of its copies, drawn by seed
  ${AUGMENT_USAGE}
  --max-frames N           inference chunk length in frames, written to the manifest (default 1000)
  --speaker-norm on|N|off  z-score the feature frames per speaker (statistics of the speaker's active
                           frames blended with the training prior, worth N frames; on = 1000): the
                           model then gets the same per speaker in msir eval, per session live
                           (default off)
  --level-db=X|off         scale every clip to active speech level X dBFS before extracting features,
                           in training and wherever the model runs (default -26; off = raw levels)
  --seed N                 (default 1)
${BACKEND_USAGE}
  --cache DIR, --workers N, --wav2vec2 DIR, --name NAME, --max-clips N (per split, quick runs)`;

const list = (s: string | undefined, n: number, dflt: number): number[] => {
  if (!s) return Array(n).fill(dflt);
  const v = s.split(',').map(Number);
  if (v.some((x) => !Number.isFinite(x))) throw new Error(`not a number list: ${s}`);
  return v.length === 1 ? Array(n).fill(v[0]) : v;
};

function lldPool(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new Error(`--lld-pool must be an integer in [1, 16], got ${s}`);
  return n;
}

function parseMask(s: string): { masks: number; maxFrames: number; maxBands: number } {
  const v = s.split(',').map(Number);
  if (v.length !== 3 || v.some((x) => !Number.isInteger(x) || x < 0)) throw new Error(`--mask must be N,F,B (non-negative integers), got ${s}`);
  return { masks: v[0]!, maxFrames: v[1]!, maxBands: v[2]! };
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      corpus: { type: 'string', multiple: true },
      out: { type: 'string' },
      arch: { type: 'string', default: 'msir' },
      functionals: { type: 'string', default: 'project' },
      classifier: { type: 'string', default: 'logreg' },
      branches: { type: 'string', default: 'cr,lld' },
      preset: { type: 'string', default: 'cpu' },
      logmel: { type: 'string' },
      lld: { type: 'string' },
      'lld-pool': { type: 'string' },
      loss: { type: 'string', default: 'focal' },
      'focal-theta': { type: 'string' },
      'focal-zeta': { type: 'string' },
      lr: { type: 'string', default: '0.003' },
      epochs: { type: 'string', default: '30' },
      patience: { type: 'string', default: '8' },
      batch: { type: 'string', default: '64' },
      'micro-batch': { type: 'string', default: '16' },
      crop: { type: 'string', default: '300' },
      noise: { type: 'string', default: '0.1' },
      'max-frames': { type: 'string', default: '1000' },
      speed: { type: 'string' },
      augment: { type: 'string' },
      'average-top': { type: 'string', default: '1' },
      'aux-emotions': { type: 'string' },
      'aux-fraction': { type: 'string', default: '0.5' },
      'adv-speakers': { type: 'string' },
      mask: { type: 'string', default: '2,30,6' },
      seed: { type: 'string', default: '1' },
      backend: { type: 'string', default: 'auto' },
      cache: { type: 'string' },
      workers: { type: 'string' },
      wav2vec2: { type: 'string' },
      name: { type: 'string' },
      'max-clips': { type: 'string' },
      'level-db': { type: 'string', default: String(DEFAULT_LEVEL_DB) },
      'speaker-norm': { type: 'string', default: 'off' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (!values.corpus?.length || !values.out) {
    console.error(usage);
    return 2;
  }
  const int = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${v}`);
    return n;
  };
  const levelDb = values['level-db'] === 'off' ? undefined : Number(values['level-db']);
  const sn = values['speaker-norm'] as string;
  const priorFrames = sn === 'on' || sn === 'off' ? undefined : Number(sn);
  if (priorFrames !== undefined && !(Number.isInteger(priorFrames) && priorFrames >= 0)) throw new Error(`--speaker-norm must be on, off or a prior of N ≥ 0 frames, got ${sn}`);
  const speakerNorm = sn === 'off' ? undefined : { ...(priorFrames !== undefined ? { priorFrames } : {}) };
  if (levelDb !== undefined && !isLevelDb(levelDb)) throw new Error(`--level-db must be off or a dBFS value in [-60, 0] (write --level-db=-26), got ${values['level-db']}`);
  const augment = values.augment === undefined ? undefined : parseAugmentSpec(values.augment);
  if (values.arch === 'svm' || values.arch === 'linear') {
    const { trainLinear } = await import('../baseline/train.ts');
    const { FUNCTIONALS_SET_NAMES } = await import('../../src/model/manifest.ts');
    const functionals = values.functionals as (typeof FUNCTIONALS_SET_NAMES)[number];
    if (!FUNCTIONALS_SET_NAMES.includes(functionals)) throw new Error(`--functionals must be one of ${FUNCTIONALS_SET_NAMES.join(', ')}, got ${values.functionals}`);
    const classifier = values.classifier;
    if (classifier !== 'logreg' && classifier !== 'svm') throw new Error(`--classifier must be logreg or svm, got ${classifier}`);
    await trainLinear({ functionals, classifier, corpora: values.corpus, out: values.out, name: values.name, cacheDir: values.cache, workers: values.workers ? int('workers', values.workers) : undefined, seed: int('seed', values.seed), levelDb, ...(speakerNorm ? { speakerNorm } : {}), ...(augment ? { augment } : {}), log: (l) => console.log(l) });
    return 0;
  }
  if (values.arch !== 'msir') throw new Error(`--arch must be msir or svm, got ${values.arch}`);
  const branches = values.branches!.split(',').map((b) => b.trim()) as Branch[];
  if (branches.length === 0 || branches.some((b) => !['cr', 'lld', 'w2v'].includes(b))) throw new Error(`--branches must be a subset of cr,lld,w2v: ${values.branches}`);
  if (!(values.preset! in PRESETS)) throw new Error(`--preset must be one of ${Object.keys(PRESETS).join(', ')}`);
  if (values.logmel && !['2d', '3d'].includes(values.logmel)) throw new Error('--logmel must be 2d or 3d');
  if (values.lld && !['1d', '2d', '3d'].includes(values.lld)) throw new Error('--lld must be 1d, 2d or 3d');
  if (!['focal', 'ce'].includes(values.loss!)) throw new Error('--loss must be focal or ce');
  const speeds = values.speed ? values.speed.split(',').map(Number) : [];
  if (speeds.some((s) => !isSpeed(s) || s === 1)) throw new Error(`--speed must list factors in [${MIN_SPEED}, ${MAX_SPEED}] other than 1 with 16000·s a whole number (e.g. 0.9,1.1), got ${values.speed}`);
  const auxWeight = values['aux-emotions'] === undefined ? 0 : Number(values['aux-emotions']);
  const auxFraction = Number(values['aux-fraction']);
  if (!(Number.isFinite(auxWeight) && auxWeight >= 0)) throw new Error(`--aux-emotions must be a non-negative loss weight, got ${values['aux-emotions']}`);
  if (!(Number.isFinite(auxFraction) && auxFraction >= 0 && auxFraction <= 1)) throw new Error(`--aux-fraction must be within [0, 1], got ${values['aux-fraction']}`);
  const advWeight = values['adv-speakers'] === undefined ? 0 : Number(values['adv-speakers']);
  if (!(Number.isFinite(advWeight) && advWeight >= 0)) throw new Error(`--adv-speakers must be a non-negative reversal strength, got ${values['adv-speakers']}`);
  if (!isBackendChoice(values.backend)) throw new Error(backendChoiceError(values.backend));
  const backend = await initBackend(values.backend);
  console.log(`backend: ${backend}`);
  const { runTraining } = await import('../train/run.ts');
  await runTraining({
    corpora: values.corpus,
    out: values.out,
    name: values.name,
    branches,
    preset: values.preset as PresetName,
    logmel: values.logmel as LogmelVariant | undefined,
    lld: values.lld as LldVariant | undefined,
    ...(values['lld-pool'] !== undefined ? { lldPool: lldPool(values['lld-pool']) } : {}),
    loss: values.loss as 'focal' | 'ce',
    focal: { theta: list(values['focal-theta'], 4, 2), zeta: list(values['focal-zeta'], 4, 1) },
    lrs: values.lr!.split(',').map(Number),
    epochs: int('epochs', values.epochs),
    patience: int('patience', values.patience),
    batchSize: int('batch', values.batch),
    microBatch: int('micro-batch', values['micro-batch']),
    seed: int('seed', values.seed),
    cropFrames: int('crop', values.crop),
    noise: Number(values.noise),
    ...(values.mask && parseMask(values.mask).masks > 0 ? { mask: parseMask(values.mask) } : {}),
    maxFrames: int('max-frames', values['max-frames']),
    ...(speeds.length ? { speeds } : {}),
    ...(augment ? { augment } : {}),
    ...(auxWeight > 0 ? { aux: { weight: auxWeight, fraction: auxFraction } } : {}),
    ...(advWeight > 0 ? { adversarySpeakers: advWeight } : {}),
    averageTop: Math.max(1, int('average-top', values['average-top'])),
    levelDb,
    ...(speakerNorm ? { speakerNorm } : {}),
    cacheDir: values.cache,
    workers: values.workers ? int('workers', values.workers) : undefined,
    wav2vec2: values.wav2vec2,
    maxClips: values['max-clips'] ? int('max-clips', values['max-clips']) : undefined,
    backend,
  });
  return 0;
}
