// Gathers the trainings of training/recipes/paper.sh (WORK/plan.tsv + each run's manifest.json) into
// OUT/paper.json and OUT/zeta.svg, and prints the tables (the same markdown docs/experiments.md shows).
//   node --import tsx training/scripts/paper-results.ts --work DIR --out DIR [--wall SECONDS]
// The recipe's settings are read from its environment (SEEDS, ZETAS, …) to record how to reproduce.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EMOTIONS, type Emotion } from '../../src/model/emotions.ts';
import { gitCommit } from '../provenance.ts';
import { formatPaper, PAPER_JSON, ZETA_SVG, zetaSvg, type PaperResult, type PaperRun, type Rates, type RunMetrics } from './experiments-doc/paper.ts';

/** Recipe variables recorded with the result (the command that reproduces it sets them all). */
export const SETTINGS = ['SEEDS', 'LLD_SEEDS', 'ZETAS', 'ZETA_BRANCHES', 'SHARED_ZETA', 'EPOCHS', 'PATIENCE', 'PRESET', 'TRAIN_FLAGS', 'BASELINES', 'WAV2VEC2', 'JOBS'] as const;

const r2 = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x * 100) / 100 : null);
const rates = (m: Record<string, unknown> | undefined): Rates => ({ tpr: r2(m?.tpr), tnr: r2(m?.tnr), uar: r2(m?.uar), f1: r2(m?.f1) });

/** A manifest's metrics block (msir: an EvalReport with `summary`; linear: the summary's fields inline). */
function metricsOf(m: Record<string, unknown> | undefined): RunMetrics | null {
  if (!m) return null;
  const per = m.perEmotion as Record<Emotion, Record<string, unknown>> | undefined;
  if (!per) return null;
  const summary = (m.summary as Record<string, unknown> | undefined) ?? m;
  return {
    n: Number(m.n),
    perEmotion: Object.fromEntries(EMOTIONS.map((e) => [e, rates(per[e])])) as Record<Emotion, Rates>,
    mean: rates(summary),
  };
}

export interface PlanLine {
  run: string;
  config: string;
  group: PaperRun['group'];
  branches: string;
  loss: string;
  zeta: string;
  seed: number;
}

export function readPlan(work: string): PlanLine[] {
  return readFileSync(path.join(work, 'plan.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [run, config, group, branches, loss, zeta, seed] = l.split('\t');
      return { run: run!, config: config!, group: group as PaperRun['group'], branches: branches!, loss: loss!, zeta: zeta!, seed: Number(seed) };
    });
}

export function gather(work: string, opts: { wallSeconds?: number | null; env?: NodeJS.ProcessEnv } = {}): PaperResult {
  const env = opts.env ?? process.env;
  const runs: PaperRun[] = [];
  const missing: string[] = [];
  const corpora = new Set<string>();
  let first = Infinity;
  let last = -Infinity;
  for (const p of readPlan(work)) {
    const file = path.join(work, p.run, 'manifest.json');
    if (!existsSync(file)) {
      missing.push(p.run);
      continue;
    }
    const man = JSON.parse(readFileSync(file, 'utf8'));
    const t = man.training ?? {};
    for (const c of t.corpora ?? []) corpora.add(c.name);
    const val = metricsOf(man.metrics?.val);
    if (!val) throw new Error(`${file}: no val metrics`);
    const wallFile = path.join(work, `${p.run}.wall`);
    const wallSeconds = existsSync(wallFile) ? Number(readFileSync(wallFile, 'utf8').trim()) : (t.seconds?.total ?? null);
    // the run ended when its manifest was written: start = end − its wall time
    const end = statSync(file).mtimeMs / 1000;
    last = Math.max(last, end);
    first = Math.min(first, end - (wallSeconds ?? 0));
    const zeta = p.loss === 'focal' ? (t.focal?.zeta as number[] | undefined) ?? p.zeta.split(',').map(Number) : null;
    runs.push({
      run: p.run,
      config: p.config,
      group: p.group,
      branches: p.group === 'baseline' ? null : p.branches,
      loss: p.group === 'baseline' ? null : (p.loss as 'ce' | 'focal'),
      zeta: zeta && zeta.length === 1 ? EMOTIONS.map(() => zeta[0]!) : zeta,
      seed: p.seed,
      wallSeconds,
      bestEpoch: t.bestEpoch ?? null,
      epochsRun: t.epochsRun ?? null,
      secondsPerEpoch: t.secondsPerEpoch ?? null,
      clips: t.clips ?? null,
      val,
      test: metricsOf(man.metrics?.test),
      ...(p.group === 'baseline'
        ? { chosenC: (t.C as Record<Emotion, number> | undefined) ?? null, featureDim: (t.functionals?.dim as number | undefined) ?? null }
        : {}),
    });
  }
  const settings = Object.fromEntries(SETTINGS.filter((k) => env[k] !== undefined).map((k) => [k, env[k]!]));
  const quote = (v: string): string => (/^[\w.,:=/+-]+$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`);
  const reproduce = [...Object.entries(settings).map(([k, v]) => `${k}=${quote(v)}`), 'npm run paper'].join(' ');
  return {
    name: 'paper',
    reproduce,
    date: new Date().toISOString(),
    commit: gitCommit(),
    corpora: [...corpora],
    settings,
    wallSeconds: opts.wallSeconds ?? null,
    spanSeconds: Number.isFinite(last - first) ? Math.round(last - first) : null,
    missing,
    runs,
  };
}

const jsonReplacer = (_k: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? null : v);

function main(): number {
  const { values } = parseArgs({ options: { work: { type: 'string' }, out: { type: 'string' }, wall: { type: 'string' } } });
  if (!values.work || !values.out) {
    console.error('usage: paper-results.ts --work DIR --out DIR [--wall SECONDS]');
    return 2;
  }
  const result = gather(values.work, { wallSeconds: values.wall !== undefined ? Number(values.wall) : null });
  mkdirSync(values.out, { recursive: true });
  writeFileSync(path.join(values.out, PAPER_JSON), `${JSON.stringify(result, jsonReplacer, 1)}\n`);
  writeFileSync(path.join(values.out, ZETA_SVG), zetaSvg(result));
  console.log(formatPaper(result, ZETA_SVG));
  console.log(`\nwrote ${path.join(values.out, PAPER_JSON)} (${result.runs.length} runs${result.missing.length ? `, ${result.missing.length} missing` : ''}) and ${path.join(values.out, ZETA_SVG)}`);
  return 0;
}

if (process.argv[1]?.endsWith('paper-results.ts')) process.exit(main());
