// `msir protocol --recipe FILE --corpus A --corpus B …`: the cross-corpus protocol. For each corpus, the
// recipe trains on all the others (their train speakers; epochs and thresholds from their val speakers)
// and the model is tested on every clip of the held-out corpus; then the recipe trains on all corpora and
// is tested on their test split (in-corpus). One table, one JSON. In-corpus val cannot show how a model
// does on speakers, languages and rooms it never heard; this can.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { EvalReport } from '../../src/eval/metrics.ts';
import { EMOTIONS } from '../../src/model/emotions.ts';
import { BACKEND_USAGE, backendChoiceError, initBackend, isBackendChoice } from '../backend/index.ts';
import { parseCommand, usageError } from './cli-args.ts';
import { evaluateModel, reportOf } from './eval.ts';

const usage = `usage: msir protocol --recipe FILE --corpus DIR --corpus DIR [--corpus DIR…] [options]

Cross-corpus protocol: for each corpus, run the recipe on the other corpora and test the model on ALL
clips of the held-out corpus (4-class subset); then run it on all corpora and test on their test split.
Prints one table (per emotion TPR/TNR/UAR/F1/ROC AUC and the means) and writes JSON.
A recipe is a script that trains one model from the environment it is given:
  CORPORA  corpus folders, one per line    OUT   model folder to write    WORK  scratch folder
  --recipe FILE         the recipe (e.g. training/recipes/msir-default.sh)
  --corpus DIR          a corpus folder (repeat; at least two)
  --name NAME           label of this run (default: the recipe's file name)
  --work DIR            where models and logs go (default .cache/protocol/NAME)
  --json FILE           write the results (default docs/experiments/protocol-NAME.json)
  --folds LIST          cross,in (default both): cross = leave one corpus out, in = in-corpus test split
  --in-corpus-model DIR use this model for the in-corpus fold instead of running the recipe (e.g. the
                        shipped model the same recipe made)
  --reuse               keep a fold's model when WORK already holds one (resume an interrupted run)
  --cache DIR, --workers N
${BACKEND_USAGE}`;

export interface ProtocolFold {
  /** 'ravdess→emodb' style label; 'in-corpus' for the in-corpus fold. */
  name: string;
  kind: 'cross' | 'in';
  train: string[];
  test: string[];
  split: 'all' | 'test';
  model: string;
  /** Wall time of the recipe run, s (absent when the model was reused or given). */
  trainSeconds?: number;
  report: EvalReport;
  perCorpus: Record<string, EvalReport>;
  /** The model's thresholds (EMOTIONS order), chosen on the training corpora's val speakers. */
  thresholds: number[];
  /** Per clip: id, speaker, label and the positive probabilities (EMOTIONS order), for offline study
   *  of decision rules. */
  clips: Array<{ id: string; speaker: string; label: string; p: number[] }>;
}

export interface ProtocolResult {
  name: string;
  recipe: string;
  /** The command that reproduces this run, with the recipe's environment settings. */
  reproduce: string;
  corpora: string[];
  folds: ProtocolFold[];
  /** Means over the cross-corpus folds (both directions). */
  cross: { uar: number; f1: number; auc: number } | null;
  date: string;
}

/** Environment variables recipes read (besides CORPORA/OUT/WORK, which the protocol sets). */
const RECIPE_ENV = /^(MEMBER_FLAGS|LINEAR_FLAGS|LLD_FLAGS|AUX_FLAGS|AUX_SEEDS|LLD_SEEDS|SEEDS|JOBS|RECIPE_[A-Z_]+)$/;

function reproduceCommand(): string {
  const env = Object.entries(process.env)
    .filter(([k]) => RECIPE_ENV.test(k))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${/^[\w.,:=/+-]*$/.test(v ?? '') ? v : `'${v}'`}`);
  return [...env, 'npx msir protocol', ...process.argv.slice(3).filter((a) => a !== '--reuse').map((a) => (/^[\w.,:=/+-]+$/.test(a) ? a : `'${a}'`))].join(' ');
}

const corpusName = (dir: string): string => path.basename(path.resolve(dir));

function runRecipe(recipe: string, corpora: string[], out: string, work: string, log: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, CORPORA: corpora.map((c) => path.resolve(c)).join('\n'), OUT: path.resolve(out), WORK: path.resolve(work) };
    const child = spawn('bash', [path.resolve(recipe)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = `[${path.basename(out)}] `;
    const lines: string[] = [];
    const onData = (buf: Buffer): void => {
      for (const line of buf.toString().split('\n')) {
        if (!line.trim()) continue;
        lines.push(line);
        process.stdout.write(`${prefix}${line}\n`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      void writeFile(log, `${lines.join('\n')}\n`).finally(() => {
        if (code === 0) resolve();
        else reject(new Error(`recipe ${recipe} failed (exit ${code}) on ${corpora.map(corpusName).join(' + ')}; log: ${log}`));
      });
    });
  });
}

const f1d = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '—');
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Markdown table of a protocol run: one row per fold and emotion, then the fold's means. */
export function formatProtocol(r: ProtocolResult): string {
  const lines = [`| fold | clips | emotion | TPR | TNR | UAR | F1 | AUC |`, `| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |`];
  for (const fold of r.folds) {
    for (const e of EMOTIONS) {
      const m = fold.report.perEmotion[e];
      lines.push(`| ${fold.name} | ${fold.report.n} | ${e} | ${f1d(m.tpr)} | ${f1d(m.tnr)} | ${f1d(m.uar)} | ${f1d(m.f1)} | ${f1d(fold.report.auc[e])} |`);
    }
    const s = fold.report.summary;
    lines.push(`| **${fold.name}** | ${fold.report.n} | **mean** | ${f1d(s.tpr)} | ${f1d(s.tnr)} | **${f1d(s.uar)}** | **${f1d(s.f1)}** | **${f1d(s.auc)}** |`);
  }
  if (r.cross) lines.push('', `Cross-corpus mean (${r.folds.filter((f) => f.kind === 'cross').length} folds): UAR **${f1d(r.cross.uar)}**, F1 ${f1d(r.cross.f1)}, ROC AUC ${f1d(r.cross.auc)}.`);
  return lines.join('\n');
}

export interface ProtocolOptions {
  recipe: string;
  corpora: string[];
  name: string;
  work: string;
  folds: Array<'cross' | 'in'>;
  inCorpusModel?: string;
  reuse?: boolean;
  cacheDir?: string;
  workers?: number;
}

export async function runProtocol(o: ProtocolOptions): Promise<ProtocolResult> {
  await mkdir(o.work, { recursive: true });
  const plan: Array<Omit<ProtocolFold, 'report' | 'perCorpus' | 'trainSeconds' | 'thresholds' | 'clips'> & { given?: boolean }> = [];
  if (o.folds.includes('cross')) {
    for (const held of o.corpora) {
      const train = o.corpora.filter((c) => c !== held);
      const name = `${train.map(corpusName).join('+')}→${corpusName(held)}`;
      plan.push({ name, kind: 'cross', train, test: [held], split: 'all', model: path.join(o.work, `train-${train.map(corpusName).join('+')}`) });
    }
  }
  if (o.folds.includes('in')) {
    const model = o.inCorpusModel ?? path.join(o.work, `train-${o.corpora.map(corpusName).join('+')}`);
    plan.push({ name: 'in-corpus', kind: 'in', train: o.corpora, test: o.corpora, split: 'test', model, given: o.inCorpusModel !== undefined });
  }
  const folds: ProtocolFold[] = [];
  for (const p of plan) {
    let trainSeconds: number | undefined;
    if (!p.given && !(o.reuse && existsSync(path.join(p.model, 'manifest.json')))) {
      console.log(`[protocol] ${p.name}: recipe ${o.recipe} on ${p.train.map(corpusName).join(' + ')} → ${p.model}`);
      const t0 = performance.now();
      await runRecipe(o.recipe, p.train, p.model, `${p.model}.work`, `${p.model}.log`);
      trainSeconds = Math.round((performance.now() - t0) / 1000);
    }
    console.log(`[protocol] ${p.name}: evaluating ${p.model} on ${p.test.map(corpusName).join(' + ')} (split ${p.split})`);
    const out = await evaluateModel({ model: p.model, corpora: p.test, split: p.split, cacheDir: o.cacheDir, workers: o.workers });
    const { given: _given, ...fold } = p;
    folds.push({
      ...fold,
      model: path.resolve(p.model),
      ...(trainSeconds !== undefined ? { trainSeconds } : {}),
      report: reportOf(out),
      perCorpus: out.perCorpus,
      thresholds: EMOTIONS.map((e) => out.thresholds[e]),
      clips: out.clips.map((c) => ({ id: c.id, speaker: c.speaker, label: c.label, p: EMOTIONS.map((e) => Number(c.probabilities[e].toPrecision(6))) })),
    });
    const s = out.summary;
    console.log(`[protocol] ${p.name}: ${out.n} clips, UAR ${f1d(s.uar)}, F1 ${f1d(s.f1)}, AUC ${f1d(s.auc)}`);
  }
  const cross = folds.filter((f) => f.kind === 'cross');
  return {
    name: o.name,
    recipe: o.recipe,
    reproduce: reproduceCommand(),
    corpora: o.corpora.map(corpusName),
    folds,
    cross: cross.length
      ? { uar: mean(cross.map((f) => f.report.summary.uar)), f1: mean(cross.map((f) => f.report.summary.f1)), auc: mean(cross.map((f) => f.report.summary.auc)) }
      : null,
    date: new Date().toISOString(),
  };
}

const jsonReplacer = (_k: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? null : v);

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('protocol', usage, {
    args,
    options: {
      recipe: { type: 'string' },
      corpus: { type: 'string', multiple: true },
      name: { type: 'string' },
      work: { type: 'string' },
      json: { type: 'string' },
      folds: { type: 'string', default: 'cross,in' },
      'in-corpus-model': { type: 'string' },
      reuse: { type: 'boolean' },
      cache: { type: 'string' },
      workers: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const bad = usageError('protocol', usage);
  if (!values.recipe) return bad('--recipe is required');
  if (!existsSync(values.recipe)) return bad(`recipe not found: ${values.recipe}`);
  const corpora = values.corpus ?? [];
  if (corpora.length < 2) return bad('at least two --corpus are needed (one is held out at a time)');
  for (const c of corpora) if (!existsSync(c)) return bad(`corpus folder not found: ${c}`);
  if (new Set(corpora.map(corpusName)).size !== corpora.length) return bad('corpus folders must have distinct names');
  const folds = (values.folds as string).split(',');
  if (!folds.length || folds.some((f) => f !== 'cross' && f !== 'in')) return bad(`--folds must list cross and/or in (got "${values.folds}")`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers > 0)) return bad('--workers must be a positive integer');
  if (values['in-corpus-model'] && !existsSync(path.join(values['in-corpus-model'], 'manifest.json'))) return bad(`no manifest.json in ${values['in-corpus-model']}`);
  if (!isBackendChoice(values.backend)) return bad(backendChoiceError(values.backend));
  console.log(`backend: ${await initBackend(values.backend)}`);
  const name = values.name ?? path.basename(values.recipe).replace(/\.[^.]+$/, '');
  const result = await runProtocol({
    recipe: values.recipe,
    corpora,
    name,
    work: values.work ?? path.join('.cache', 'protocol', name),
    folds: folds as Array<'cross' | 'in'>,
    inCorpusModel: values['in-corpus-model'],
    reuse: values.reuse === true,
    cacheDir: values.cache,
    workers,
  });
  console.log(`\nprotocol ${name} (recipe ${values.recipe})\n`);
  console.log(formatProtocol(result));
  const file = path.resolve(values.json ?? path.join('docs', 'experiments', `protocol-${name}.json`));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(result, jsonReplacer, 1)}\n`);
  console.log(`wrote ${file}`);
  return 0;
}
