// `msir eval --model DIR --corpus DIR [--corpus DIR…] [--split test] [--json OUT]`: run a model folder
// (any arch, via loadPredictor) over corpus clips (features through the cache) and report the paper's
// detection metrics. A corpus without a split column is evaluated whole; several --corpus pool.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CorpusError, type Clip, type Split } from '../../src/eval/corpus/index.ts';
import { evaluate, type EvalReport } from '../../src/eval/metrics.ts';
import { formatReport } from '../../src/eval/report.ts';
import { formatOutOfSet, outOfSetRates, type OutOfSetReport } from '../../src/eval/out-of-set.ts';
import { EMOTIONS, type Emotion } from '../../src/model/emotions.ts';
import { loadPredictor } from '../../src/model/load.ts';
import type { EmotionPredictor } from '../../src/model/predictor.ts';
import { extractAll } from '../data/cache.ts';
import { speakerNormalised } from '../data/speaker-norm.ts';
import { labelled, loadCorpora, selectSplit } from '../data/corpus.ts';
import { parseCommand, usageError } from './cli-args.ts';
import { BACKEND_USAGE, backendChoiceError, initBackend, isBackendChoice } from '../backend/index.ts';

const usage = `usage: msir eval --model DIR --corpus DIR [--corpus DIR…] [options]

Evaluate a model folder (manifest.json + weights) on corpora in the shared layout (metadata.csv) or
IEMOCAP's release layout, on the 4-class subset (happy, neutral, sad, angry).
  --model DIR        model folder (e.g. public/models/msir-default)
  --corpus DIR       corpus folder; repeat to pool corpora
  --split NAME       train | val | test | all (default test); clips of a corpus without a split
                     column are always included (cross-corpus evaluation)
  --json FILE        write the full report, per-corpus reports and per-clip probabilities
  --wav2vec2 DIR     wav2vec2 model folder (needed when the model has a w2v branch)
  --cache DIR        feature cache folder (default .cache/features)
  --workers N        feature extraction threads (default: all cores)
  --sessions LIST    IEMOCAP only: sessions to load, e.g. 5 or 1,2,3,4
  --out-of-set       also run the split's clips of other emotions (calm, fearful, boredom, …) and
                     report how often each detector fires on them (in the JSON: outOfSet)
  --speaker-norm M   for a model with speaker normalisation: speaker (default; statistics of each
                     speaker's clips) or global (the training prior only, as for an unknown speaker)
  --gain-db=X        scale every clip by X dB first (e.g. --gain-db=-20: a quieter microphone); the
                     model's own level normalisation, if it has one, still applies after it
${BACKEND_USAGE}`;

export interface ClipResult extends Pick<Clip, 'id' | 'path' | 'corpus' | 'session' | 'speaker' | 'emotion'> {
  label: Emotion;
  /** Positive probability per emotion. */
  probabilities: Record<Emotion, number>;
  positive: Record<Emotion, boolean>;
}

/** The report (n, perEmotion, summary, auc, 4-class figures) plus what was run and how. */
export interface EvalOutput extends EvalReport {
  model: { dir: string; name: string; arch: string };
  corpora: string[];
  split: Split | 'all';
  /** Gain applied to every clip first (--gain-db), when not 0. */
  gainDb?: number;
  /** How features were speaker-normalised (models with speaker normalisation only). */
  speakerNorm?: SpeakerNormMode;
  thresholds: Record<Emotion, number>;
  /** Clips outside the 4-class protocol, not scored (count per corpus emotion name). */
  excluded: Record<string, number>;
  /** Clips whose audio or features failed. */
  failed: Array<{ id: string; error: string }>;
  perCorpus: Record<string, EvalReport>;
  clips: ClipResult[];
  /** With outOfSet: the detectors' firing rates on the split's clips outside the four emotions. */
  outOfSet?: OutOfSetReport;
  /** With outOfSet: those clips (label null: no right answer). */
  outOfSetClips?: Array<Omit<ClipResult, 'label'>>;
  date: string;
}

/** Probabilities in EMOTIONS order from a prediction in manifest order. */
function reorder(manifestEmotions: readonly Emotion[], values: ArrayLike<number>): number[] {
  return EMOTIONS.map((e) => {
    const k = manifestEmotions.indexOf(e);
    if (k < 0) throw new Error(`the model does not detect "${e}" (its emotions: ${manifestEmotions.join(', ')})`);
    return values[k];
  });
}

export interface EvalOptions {
  model: string;
  corpora: string[];
  split?: Split | 'all';
  wav2vec2?: string;
  cacheDir?: string;
  workers?: number;
  sessions?: number[];
  /** Apply this gain (dB) to every clip before the model's own processing (robustness to microphone gain). */
  gainDb?: number;
  /** Also run the clips outside the four emotions and report the detectors' firing rates on them. */
  outOfSet?: boolean;
  /** For a model with speaker normalisation: statistics per speaker over the speaker's scored clips
   *  (default), or the global prior alone (what a detector that knows nothing of the speaker does). */
  speakerNorm?: SpeakerNormMode;
}

export type SpeakerNormMode = 'speaker' | 'global';

/** Evaluate a model folder; the programmatic core of `msir eval`. */
export async function evaluateModel(opts: EvalOptions): Promise<EvalOutput> {
  const split = opts.split ?? 'test';
  const predictor: EmotionPredictor = await loadPredictor(path.resolve(opts.model));
  try {
    const manifest = predictor.manifest;
    const needsW2v = manifest.branches.includes('w2v');
    if (needsW2v && !opts.wav2vec2) throw new Error(`model "${manifest.name}" has a wav2vec2 branch: pass --wav2vec2 DIR`);
    // Clips outside the four are listed (and with outOfSet run) for IEMOCAP too, as eval.html does.
    const all = selectSplit(await loadCorpora(opts.corpora, { sessions: opts.sessions, includeUnlabelled: true }), split);
    const scored = labelled(all);
    const excluded: Record<string, number> = {};
    for (const c of all) if (c.label === null) excluded[c.emotion] = (excluded[c.emotion] ?? 0) + 1;
    if (scored.length === 0) throw new CorpusError('empty', `no clips of the 4-class subset in split "${split}"`);
    const failed: Array<{ id: string; error: string }> = [];
    const others = opts.outOfSet ? all.filter((c) => c.label === null) : [];
    const feats = await extractAll([...scored, ...others], {
      cacheDir: opts.cacheDir,
      workers: opts.workers,
      wav2vec2: needsW2v ? opts.wav2vec2 : undefined,
      levelDb: manifest.features.levelDb,
      gainDb: opts.gainDb,
      onError: (clip: Clip, error: string) => failed.push({ id: clip.id, error }),
    });
    const thresholds = reorder(manifest.emotions, manifest.thresholds);
    // Speaker-normalised models: each speaker's statistics over that speaker's scored clips (clips
    // outside the four use them too); in 'global' mode no statistics, so every clip gets the prior.
    const spec = manifest.speakerNormalisation;
    const normalised = spec ? speakerNormalised(spec, [...scored, ...others], feats, (opts.speakerNorm ?? 'speaker') === 'speaker' ? scored : []) : feats;
    // Each clip with features, through the model: probabilities and decisions in EMOTIONS order.
    const run = async <C extends Clip>(cs: C[]): Promise<Array<{ source: C; clip: Omit<ClipResult, 'label'>; p: number[] }>> => {
      const out: Array<{ source: C; clip: Omit<ClipResult, 'label'>; p: number[] }> = [];
      for (const c of cs) {
        const f = feats.get(c.id);
        if (!f) continue;
        const pred = await predictor.predict({ features: normalised.get(c.id)!.features, ...(f.w2v ? { w2v: f.w2v } : {}) });
        const p = reorder(manifest.emotions, pred.probabilities);
        out.push({
          source: c,
          p,
          clip: {
            id: c.id,
            path: c.path,
            corpus: c.corpus,
            ...(c.session !== undefined ? { session: c.session } : {}),
            speaker: c.speaker,
            emotion: c.emotion,
            probabilities: Object.fromEntries(EMOTIONS.map((e, k) => [e, p[k]])) as Record<Emotion, number>,
            positive: Object.fromEntries(EMOTIONS.map((e, k) => [e, p[k] >= thresholds[k]])) as Record<Emotion, boolean>,
          },
        });
      }
      return out;
    };
    const done = await run(scored);
    const clips: ClipResult[] = done.map((d) => ({ ...d.clip, label: d.source.label }));
    const probs = done.map((d) => d.p);
    const outside = opts.outOfSet ? await run(others) : [];
    if (clips.length === 0) throw new Error(`every clip failed (first: ${failed[0]?.id}: ${failed[0]?.error})`);
    const report = evaluate(probs, clips.map((c) => c.label), thresholds);
    const perCorpus: Record<string, EvalReport> = {};
    for (const corpus of new Set(clips.map((c) => c.corpus))) {
      const idx = clips.flatMap((c, i) => (c.corpus === corpus ? [i] : []));
      perCorpus[corpus] = evaluate(idx.map((i) => probs[i]), idx.map((i) => clips[i].label), thresholds);
    }
    return {
      model: { dir: path.resolve(opts.model), name: manifest.name, arch: manifest.arch },
      corpora: opts.corpora.map((c) => path.resolve(c)),
      split,
      ...(opts.gainDb ? { gainDb: opts.gainDb } : {}),
      ...(manifest.speakerNormalisation ? { speakerNorm: opts.speakerNorm ?? 'speaker' } : {}),
      thresholds: Object.fromEntries(EMOTIONS.map((e, k) => [e, thresholds[k]])) as Record<Emotion, number>,
      ...report,
      excluded,
      failed,
      perCorpus,
      clips,
      ...(opts.outOfSet
        ? { outOfSet: outOfSetRates(outside.map((d) => d.p), outside.map((d) => d.clip.emotion), thresholds), outOfSetClips: outside.map((d) => d.clip) }
        : {}),
      date: new Date().toISOString(),
    };
  } finally {
    predictor.dispose();
  }
}

/** The metrics part of an evaluation output. */
export const reportOf = (o: EvalOutput): EvalReport => ({ n: o.n, perEmotion: o.perEmotion, summary: o.summary, auc: o.auc, fourClassUar: o.fourClassUar, fourClassConfusion: o.fourClassConfusion });

/** NaN (undefined rate) → null in JSON. */
const jsonReplacer = (_k: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? null : v);

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('eval', usage, {
    args,
    options: {
      model: { type: 'string' },
      corpus: { type: 'string', multiple: true },
      split: { type: 'string', default: 'test' },
      json: { type: 'string' },
      wav2vec2: { type: 'string' },
      cache: { type: 'string' },
      workers: { type: 'string' },
      sessions: { type: 'string' },
      'gain-db': { type: 'string' },
      'out-of-set': { type: 'boolean' },
      'speaker-norm': { type: 'string', default: 'speaker' },
      backend: { type: 'string', default: 'auto' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const bad = usageError('eval', usage);
  if (!values.model) return bad('--model is required');
  if (!values.corpus?.length) return bad('at least one --corpus is required');
  const split = values.split as string;
  if (!['train', 'val', 'test', 'all'].includes(split)) return bad(`--split must be train, val, test or all (got "${split}")`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers > 0)) return bad('--workers must be a positive integer');
  const sessions = values.sessions?.split(',').map(Number);
  if (sessions && !sessions.every((s) => Number.isInteger(s) && s > 0)) return bad('--sessions must list session numbers, e.g. 1,2,3,4');
  const gainDb = values['gain-db'] === undefined ? undefined : Number(values['gain-db']);
  if (gainDb !== undefined && !(Number.isFinite(gainDb) && Math.abs(gainDb) <= 60)) return bad('--gain-db must be a number of dB within ±60 (write --gain-db=-20)');
  if (!isBackendChoice(values.backend)) return bad(backendChoiceError(values.backend));
  const speakerNorm = values['speaker-norm'] as string;
  if (speakerNorm !== 'speaker' && speakerNorm !== 'global') return bad(`--speaker-norm must be speaker or global (got "${speakerNorm}")`);
  console.log(`backend: ${await initBackend(values.backend)}`);

  const out = await evaluateModel({
    speakerNorm,
    model: values.model,
    corpora: values.corpus,
    split: split as Split | 'all',
    wav2vec2: values.wav2vec2,
    cacheDir: values.cache,
    workers,
    sessions,
    gainDb,
    outOfSet: values['out-of-set'] === true,
  });
  const report = reportOf(out);
  console.log(formatReport(report, `model ${out.model.name} (${out.model.arch}) on ${Object.keys(out.perCorpus).join(' + ')}, split ${out.split}${out.gainDb ? `, audio ${out.gainDb > 0 ? '+' : ''}${out.gainDb} dB` : ''}, ${out.n} clips`));
  const corpora = Object.keys(out.perCorpus);
  if (corpora.length > 1) {
    for (const c of corpora) {
      const r = out.perCorpus[c];
      console.log(`  ${c}: ${r.n} clips, UAR ${r.summary.uar.toFixed(1)}%, F1 ${r.summary.f1.toFixed(1)}%, 4-class UAR ${r.fourClassUar.toFixed(1)}%`);
    }
  }
  const excludedN = Object.values(out.excluded).reduce((a, b) => a + b, 0);
  if (out.outOfSet) {
    console.log(out.outOfSet.all.n ? formatOutOfSet(out.outOfSet) : 'no clips outside the four emotions in this split');
  } else if (excludedN) console.log(`not scored (outside the 4 classes): ${excludedN} (${Object.entries(out.excluded).map(([e, n]) => `${e} ${n}`).join(', ')})`);
  if (out.failed.length) console.log(`failed clips: ${out.failed.length} (first: ${out.failed[0].id}: ${out.failed[0].error})`);
  if (values.json) {
    const file = path.resolve(values.json);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(out, jsonReplacer, 1)}\n`);
    console.log(`wrote ${file}`);
  }
  return 0;
}
