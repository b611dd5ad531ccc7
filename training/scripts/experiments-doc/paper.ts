// The paper-reproduction section of docs/experiments.md and its ζ plot, from the JSON that
// `npm run paper` (training/recipes/paper.sh → training/scripts/paper-results.ts) writes. Pure functions
// of that JSON: the recipe prints the same tables and writes the same SVG that this renders.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EMOTIONS, type Emotion } from '../../../src/model/emotions.ts';

export const PAPER_JSON = 'paper.json';
export const ZETA_SVG = 'zeta.svg';

export interface Rates {
  tpr: number | null;
  tnr: number | null;
  uar: number | null;
  f1: number | null;
}
export interface RunMetrics {
  n: number;
  perEmotion: Record<Emotion, Rates>;
  mean: Rates;
}
export interface PaperRun {
  run: string;
  config: string;
  group: 'baseline' | 'branches' | 'zeta' | 'shared-zeta';
  branches: string | null;
  loss: 'ce' | 'focal' | null;
  /** ζ per emotion (EMOTIONS order) for focal-loss runs. */
  zeta: number[] | null;
  seed: number;
  /** Wall time of the `msir train` process, s (null when unknown). */
  wallSeconds: number | null;
  bestEpoch: number | null;
  epochsRun: number | null;
  secondsPerEpoch: number | null;
  clips: { train: number; val: number; test: number } | null;
  val: RunMetrics;
  test: RunMetrics | null;
  /** Baselines only: C per emotion chosen on val, and the functionals' dimension. */
  chosenC?: Record<Emotion, number> | null;
  featureDim?: number | null;
}
export interface PaperResult {
  name: string;
  /** The command that reproduces the run, with its settings. */
  reproduce: string;
  date: string;
  commit: string | null;
  corpora: string[];
  settings: Record<string, string>;
  /** Wall time of the recipe's last invocation (its trainings), s. */
  wallSeconds: number | null;
  /** From the first training's start to the last one's end, s (covers resumed invocations). */
  spanSeconds?: number | null;
  /** Runs of the plan that produced no model (failed or not run): the table is partial when any. */
  missing: string[];
  runs: PaperRun[];
}

type Metric = keyof Rates;

export interface Stat {
  n: number;
  mean: number;
  sd: number | null;
  min: number;
  max: number;
}

/** Mean, sample standard deviation (n − 1; null for one value), min and max of the finite values. */
export function stat(values: Array<number | null | undefined>): Stat | null {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return null;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : null;
  return { n: v.length, mean, sd, min: Math.min(...v), max: Math.max(...v) };
}

const f1d = (x: number | null | undefined): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(1) : '—');
/** "mean ± sd" (sd over seeds), "mean" alone for one run, "—" for none. */
export function pm(s: Stat | null): string {
  if (!s) return '—';
  return s.sd === null ? f1d(s.mean) : `${f1d(s.mean)} ± ${f1d(s.sd)}`;
}

const BRANCH_LABEL: Record<string, string> = { cr: 'CR', lld: 'LLD', w2v: 'w2v' };
export function branchesLabel(b: string | null): string {
  return b ? b.split(',').map((x) => BRANCH_LABEL[x] ?? x).join(' + ') : '—';
}
function lossLabel(r: PaperRun): string {
  if (r.group === 'baseline') return '—';
  if (r.loss === 'ce') return 'CE (w/o FL)';
  const z = r.zeta ?? [1];
  return new Set(z).size === 1 ? `FL (ζ = ${z[0]}, θ = 2)` : `FL (ζ = ${z.join('/')}, θ = 2)`;
}
/** The recipe's BASELINES values and what they are. */
export const BASELINE_LABEL: Record<string, { label: string; features: string; classifier: string }> = {
  linear: { label: 'Project functionals + logistic regression', features: 'project functionals: 65 LLDs + Δ × 10 functionals', classifier: 'L2 logistic regression' },
  'compare-svm': { label: 'ComParE 2016 functionals + linear SVM', features: 'ComParE 2016 functionals, reimplemented over the project\'s LLDs', classifier: 'linear SVM (L2-loss), Platt-scaled on val' },
  'egemaps-svm': { label: 'eGeMAPS-style functionals + linear SVM', features: 'eGeMAPS-style functionals, 66 of the 88 of eGeMAPS v02', classifier: 'linear SVM (L2-loss), Platt-scaled on val' },
};
function configLabel(r: PaperRun): string {
  if (r.group === 'baseline') return BASELINE_LABEL[r.config]?.label ?? r.config;
  return branchesLabel(r.branches);
}

/** The functional baselines side by side: features, dimension, val-chosen C, val and test means. */
function baselinesTable(result: PaperResult): string {
  const base = result.runs.filter((r) => r.group === 'baseline');
  if (!base.length) return '';
  const lines = [
    `| baseline | features (n) | classifier | C per emotion (val-chosen: ${EMOTIONS.join(' / ')}) | val UAR | val F1 | test UAR | test F1 |`,
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const r of base) {
    const info = BASELINE_LABEL[r.config];
    const c = r.chosenC ? EMOTIONS.map((e) => String(r.chosenC![e])).join(' / ') : '—';
    lines.push(`| ${info?.label ?? r.config} | ${info?.features ?? '—'} (${r.featureDim ?? '?'}) | ${info?.classifier ?? '—'} | ${c} | ${f1d(r.val.mean.uar)} | ${f1d(r.val.mean.f1)} | **${f1d(r.test?.mean.uar)}** | **${f1d(r.test?.mean.f1)}** |`);
  }
  return lines.join('\n');
}

/** Runs grouped by configuration, in the order the JSON lists them. */
export function configs(result: PaperResult): Array<{ config: string; runs: PaperRun[] }> {
  const out: Array<{ config: string; runs: PaperRun[] }> = [];
  for (const r of result.runs) {
    const c = out.find((x) => x.config === r.config);
    if (c) c.runs.push(r);
    else out.push({ config: r.config, runs: [r] });
  }
  return out;
}

const testOf = (runs: PaperRun[], pick: (m: RunMetrics) => number | null): Stat | null => stat(runs.map((r) => (r.test ? pick(r.test) : null)));

/** The paper's IEMOCAP figures we are sure of (full MSIR, means over the four emotions); the rest of its
 *  Table 1 is not available here. */
export const PAPER_IEMOCAP = { label: 'MSIR, paper (IEMOCAP)', branches: 'CR + LLD + w2v', loss: 'FL (ζ per emotion)', uar: 82.1, f1: 71.2 };

function meansTable(result: PaperResult): string {
  const lines = [
    '| configuration | loss | runs (seeds) | TPR | TNR | UAR | F1 | UAR min–max | best epoch | wall s per run (all runs) |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { runs } of configs(result).filter((c) => c.runs[0]!.group !== 'zeta')) {
    const r0 = runs[0]!;
    const uar = testOf(runs, (m) => m.mean.uar);
    const ep = stat(runs.map((r) => r.bestEpoch));
    const wall = stat(runs.map((r) => r.wallSeconds));
    lines.push(
      `| ${configLabel(r0)} | ${lossLabel(r0)} | ${runs.length} (${runs.map((r) => r.seed).join(', ')}) | ${pm(testOf(runs, (m) => m.mean.tpr))} | ${pm(testOf(runs, (m) => m.mean.tnr))} | **${pm(uar)}** | **${pm(testOf(runs, (m) => m.mean.f1))}** | ${uar ? `${f1d(uar.min)}–${f1d(uar.max)}` : '—'} | ${ep ? f1d(ep.mean).replace(/\.0$/, '') : '—'} | ${wall ? `${Math.round(wall.mean)} (${Math.round(wall.mean * wall.n)})` : '—'} |`,
    );
  }
  lines.push(`| *${PAPER_IEMOCAP.label}* | *${PAPER_IEMOCAP.loss}* | — | n/a | n/a | *${PAPER_IEMOCAP.uar}* | *${PAPER_IEMOCAP.f1}* | — | — | — |`);
  return lines.join('\n');
}

function perEmotionTable(result: PaperResult, metric: Metric): string {
  const lines = [
    `| configuration | loss | ${EMOTIONS.join(' | ')} | mean |`,
    `| --- | --- | ${EMOTIONS.map(() => '---:').join(' | ')} | ---: |`,
  ];
  for (const { runs } of configs(result).filter((c) => c.runs[0]!.group !== 'zeta')) {
    const r0 = runs[0]!;
    const cells = EMOTIONS.map((e) => pm(testOf(runs, (m) => m.perEmotion[e][metric])));
    lines.push(`| ${configLabel(r0)} | ${lossLabel(r0)} | ${cells.join(' | ')} | **${pm(testOf(runs, (m) => m.mean[metric]))}** |`);
  }
  const ref = metric === 'uar' ? PAPER_IEMOCAP.uar : metric === 'f1' ? PAPER_IEMOCAP.f1 : null;
  lines.push(`| *${PAPER_IEMOCAP.label}* | *${PAPER_IEMOCAP.loss}* | ${EMOTIONS.map(() => 'n/a').join(' | ')} | ${ref === null ? 'n/a' : `*${ref}*`} |`);
  return lines.join('\n');
}

export interface ZetaPoint {
  zeta: number;
  test: { uar: Stat | null; f1: Stat | null };
  val: { uar: Stat | null };
}
export interface ZetaSweep {
  branches: string | null;
  zetas: number[];
  perEmotion: Record<Emotion, ZetaPoint[]>;
  /** ζ per emotion chosen on val (highest mean val UAR of that emotion over seeds). */
  chosen: Record<Emotion, number>;
  seeds: number[];
}

/** The ζ sweep: every emotion's figures at each ζ it was trained with (cyclic design, all seeds). */
export function zetaSweep(result: PaperResult): ZetaSweep | null {
  const runs = result.runs.filter((r) => r.group === 'zeta' && r.zeta);
  if (runs.length === 0) return null;
  const zetas = [...new Set(runs.flatMap((r) => r.zeta!))].sort((a, b) => a - b);
  const perEmotion = {} as Record<Emotion, ZetaPoint[]>;
  const chosen = {} as Record<Emotion, number>;
  EMOTIONS.forEach((e, k) => {
    perEmotion[e] = zetas.map((zeta) => {
      const at = runs.filter((r) => r.zeta![k] === zeta);
      return {
        zeta,
        test: { uar: stat(at.map((r) => r.test?.perEmotion[e].uar)), f1: stat(at.map((r) => r.test?.perEmotion[e].f1)) },
        val: { uar: stat(at.map((r) => r.val.perEmotion[e].uar)) },
      };
    });
    let best = perEmotion[e][0]!;
    for (const p of perEmotion[e]) if ((p.val.uar?.mean ?? -Infinity) > (best.val.uar?.mean ?? -Infinity) + 1e-9) best = p;
    chosen[e] = best.zeta;
  });
  return { branches: runs[0]!.branches, zetas, perEmotion, chosen, seeds: [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b) };
}

function zetaTable(sw: ZetaSweep): string {
  const lines = [
    `| ζ | ${EMOTIONS.map((e) => `${e} test UAR`).join(' | ')} | mean test UAR | ${EMOTIONS.map((e) => `${e} test F1`).join(' | ')} | ${EMOTIONS.map((e) => `${e} val UAR`).join(' | ')} |`,
    `| ---: | ${EMOTIONS.map(() => '---:').join(' | ')} | ---: | ${EMOTIONS.map(() => '---:').join(' | ')} | ${EMOTIONS.map(() => '---:').join(' | ')} |`,
  ];
  sw.zetas.forEach((z, i) => {
    const pts = EMOTIONS.map((e) => sw.perEmotion[e][i]!);
    const mean = stat(pts.map((p) => p.test.uar?.mean));
    lines.push(`| ${z} | ${pts.map((p) => pm(p.test.uar)).join(' | ')} | ${f1d(mean?.mean)} | ${pts.map((p) => pm(p.test.f1)).join(' | ')} | ${pts.map((p) => pm(p.val.uar)).join(' | ')} |`);
  });
  const ch = EMOTIONS.map((e) => sw.perEmotion[e].find((p) => p.zeta === sw.chosen[e])!);
  lines.push(
    `| **val-chosen** (${EMOTIONS.map((e) => sw.chosen[e]).join(' / ')}) | ${ch.map((p) => pm(p.test.uar)).join(' | ')} | **${f1d(stat(ch.map((p) => p.test.uar?.mean))?.mean)}** | ${ch.map((p) => pm(p.test.f1)).join(' | ')} | ${ch.map((p) => pm(p.val.uar)).join(' | ')} |`,
  );
  return lines.join('\n');
}

const COLOURS: Record<Emotion | 'mean', string> = { happy: '#e69f00', neutral: '#009e73', sad: '#0072b2', angry: '#d55e00', mean: '#333333' };
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (x: number): string => (Math.round(x * 10) / 10).toString();

/** Fig. 5 as SVG: test UAR of each emotion (± sd over seeds) against its ζ, plus the mean of the four;
 *  x on a log₂ scale. One <circle> per ζ in each series. */
export function zetaSvg(result: PaperResult): string {
  const sw = zetaSweep(result);
  const W = 640;
  const H = 380;
  const m = { l: 56, r: 130, t: 48, b: 48 };
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">\n<rect width="${W}" height="${H}" fill="#ffffff"/>\n`;
  if (!sw) return `${head}<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no ζ sweep in this run</text>\n</svg>\n`;
  const series: Array<{ key: Emotion | 'mean'; pts: Array<{ zeta: number; mean: number | null; sd: number | null }> }> = EMOTIONS.map((e) => ({
    key: e,
    pts: sw.perEmotion[e].map((p) => ({ zeta: p.zeta, mean: p.test.uar?.mean ?? null, sd: p.test.uar?.sd ?? null })),
  }));
  series.push({
    key: 'mean',
    pts: sw.zetas.map((z, i) => ({ zeta: z, mean: stat(EMOTIONS.map((e) => sw.perEmotion[e][i]!.test.uar?.mean))?.mean ?? null, sd: null })),
  });
  const ys = series.flatMap((s) => s.pts.flatMap((p) => (p.mean === null ? [] : [p.mean - (p.sd ?? 0), p.mean + (p.sd ?? 0)])));
  let lo = ys.length ? Math.floor(Math.min(...ys) / 5) * 5 : 0;
  let hi = ys.length ? Math.ceil(Math.max(...ys) / 5) * 5 : 100;
  if (hi - lo < 10) hi = lo + 10;
  const step = hi - lo > 30 ? 10 : 5;
  lo = Math.max(0, Math.floor(lo / step) * step);
  hi = Math.min(100, Math.max(Math.ceil(hi / step) * step, lo + step));
  const lz = sw.zetas.map((z) => Math.log2(z));
  const [zmin, zmax] = [Math.min(...lz), Math.max(...lz)];
  const pad = 24;
  const px = (z: number): number => m.l + pad + (zmax > zmin ? ((Math.log2(z) - zmin) / (zmax - zmin)) * (W - m.l - m.r - 2 * pad) : (W - m.l - m.r - 2 * pad) / 2);
  const py = (y: number): number => H - m.b - ((y - lo) / (hi - lo)) * (H - m.t - m.b);
  const parts: string[] = [head];
  parts.push(`<text x="${m.l}" y="18" font-size="14">ζ sweep: test UAR of each emotion against its ζ</text>\n`);
  parts.push(`<text x="${m.l}" y="33" font-size="11" fill="#555555">${esc(branchesLabel(sw.branches))} branch(es), focal loss θ = 2; mean ± sd over ${sw.seeds.length} seed(s)</text>\n`);
  // axes, grid, ticks
  parts.push(`<g class="axes" stroke="#999999" fill="none">\n<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}"/>\n<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}"/>\n</g>\n`);
  parts.push('<g class="y-ticks">\n');
  for (let y = lo; y <= hi + 1e-9; y += step) {
    parts.push(`<line x1="${m.l}" y1="${num(py(y))}" x2="${W - m.r}" y2="${num(py(y))}" stroke="#eeeeee"/><text x="${m.l - 6}" y="${num(py(y) + 4)}" text-anchor="end">${y}</text>\n`);
  }
  parts.push('</g>\n<g class="x-ticks">\n');
  for (const z of sw.zetas) parts.push(`<line x1="${num(px(z))}" y1="${H - m.b}" x2="${num(px(z))}" y2="${H - m.b + 5}" stroke="#999999"/><text x="${num(px(z))}" y="${H - m.b + 18}" text-anchor="middle">${z}</text>\n`);
  parts.push('</g>\n');
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">ζ of the emotion (log scale)</text>\n`);
  parts.push(`<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">test UAR of the emotion (%)</text>\n`);
  for (const s of series) {
    const c = COLOURS[s.key];
    const ok = s.pts.filter((p) => p.mean !== null);
    parts.push(`<g class="series" data-series="${s.key}" stroke="${c}" fill="${c}">\n`);
    if (ok.length > 1) parts.push(`<polyline fill="none" stroke-width="2"${s.key === 'mean' ? ' stroke-dasharray="6 4"' : ''} points="${ok.map((p) => `${num(px(p.zeta))},${num(py(p.mean!))}`).join(' ')}"/>\n`);
    for (const p of ok) {
      if (p.sd !== null && p.sd > 0) parts.push(`<line x1="${num(px(p.zeta))}" y1="${num(py(Math.max(lo, p.mean! - p.sd)))}" x2="${num(px(p.zeta))}" y2="${num(py(Math.min(hi, p.mean! + p.sd)))}" stroke-width="1"/>\n`);
      parts.push(`<circle cx="${num(px(p.zeta))}" cy="${num(py(p.mean!))}" r="${s.key === 'mean' ? 3 : 4}" data-zeta="${p.zeta}" data-uar="${p.mean!.toFixed(2)}"/>\n`);
    }
    parts.push('</g>\n');
  }
  // legend
  parts.push('<g class="legend">\n');
  [...EMOTIONS, 'mean' as const].forEach((k, i) => {
    const y = m.t + 10 + i * 20;
    parts.push(`<line x1="${W - m.r + 14}" y1="${y}" x2="${W - m.r + 38}" y2="${y}" stroke="${COLOURS[k]}" stroke-width="2"${k === 'mean' ? ' stroke-dasharray="6 4"' : ''}/><text x="${W - m.r + 44}" y="${y + 4}">${k === 'mean' ? 'mean of 4' : k}</text>\n`);
  });
  parts.push('</g>\n</svg>\n');
  return parts.join('');
}

/** FL − CE per branch subset, paired by seed (same initialisation and batch order): the per-seed
 *  differences of the test mean UAR and F1, and their mean ± sd. */
function focalVsCe(result: PaperResult): string {
  const rows: string[] = [];
  const plain = result.runs.filter((r) => r.group === 'branches');
  for (const branches of [...new Set(plain.map((r) => r.branches))]) {
    const ce = plain.filter((r) => r.branches === branches && r.loss === 'ce');
    const fl = plain.filter((r) => r.branches === branches && r.loss === 'focal');
    const pairs = fl.flatMap((f) => {
      const c = ce.find((x) => x.seed === f.seed);
      return c?.test && f.test ? [{ seed: f.seed, uar: (f.test.mean.uar ?? NaN) - (c.test.mean.uar ?? NaN), f1: (f.test.mean.f1 ?? NaN) - (c.test.mean.f1 ?? NaN) }] : [];
    });
    if (!pairs.length) continue;
    const sg = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(1)}` : '—');
    const su = stat(pairs.map((p) => p.uar));
    const sf = stat(pairs.map((p) => p.f1));
    const pmSigned = (st: Stat | null): string => (st ? `${sg(st.mean)}${st.sd === null ? '' : ` ± ${st.sd.toFixed(1)}`}` : '—');
    rows.push(`| ${branchesLabel(branches)} | ${pairs.map((p) => `${p.seed}: ${sg(p.uar)}`).join(', ')} | **${pmSigned(su)}** | ${pairs.map((p) => `${p.seed}: ${sg(p.f1)}`).join(', ')} | **${pmSigned(sf)}** |`);
  }
  if (!rows.length) return '';
  return ['| branches | Δ test UAR per seed | Δ UAR mean ± sd | Δ test F1 per seed | Δ F1 mean ± sd |', '| --- | --- | ---: | --- | ---: |', ...rows].join('\n');
}

function fmtSeconds(s: number | null): string {
  if (s === null) return '—';
  return s >= 120 ? `${Math.round(s / 60)} min (${Math.round(s)} s)` : `${Math.round(s)} s`;
}

/** The markdown of the paper-reproduction results (tables, ζ sweep, settings). `svgPath` is the plot's
 *  path relative to the markdown file. */
export function formatPaper(result: PaperResult, svgPath = `experiments/${ZETA_SVG}`): string {
  const any = result.runs.find((r) => r.clips);
  const clips = any?.clips ? `${any.clips.train} train / ${any.clips.val} val / ${any.clips.test} test clips` : '';
  const sw = zetaSweep(result);
  const shared = result.runs.filter((r) => r.group === 'shared-zeta');
  const out: string[] = [];
  if (result.missing.length) {
    out.push(`> **Partial run**: ${result.missing.length} planned training(s) did not finish and are missing from these tables: ${result.missing.join(', ')}.`, '');
  }
  out.push(
    `Reproduce: \`${result.reproduce}\` (${result.date.slice(0, 10)}${result.commit ? `, commit ${result.commit.slice(0, 7)}` : ''}). ` +
      `Corpora ${result.corpora.join(' + ')} (4-class subset, ${clips}; speaker-independent split, the test speakers never used to choose). ` +
      `Epoch and per-emotion thresholds chosen on val. Settings: ${Object.entries(result.settings).map(([k, v]) => `${k}=${v === '' ? '(none)' : v}`).join(', ')}. ` +
      `Wall time: ${fmtSeconds(result.spanSeconds ?? result.wallSeconds)} from the first training's start to the last one's end (${result.settings.JOBS ?? '?'} trainings at once; with REUSE this includes the pauses between invocations), ` +
      `${fmtSeconds(result.runs.reduce((a, r) => a + (r.wallSeconds ?? 0), 0))} summed over the ${result.runs.length} trainings' own wall times.`,
    '',
    `Figures are on the **test split of ${result.corpora.join(' + ')}**, mean ± sample standard deviation over seeds (the`,
    'seeds are listed per row; one run shows no spread). The test clips add sampling noise of their own: a',
    'bootstrap over the 241 test clips puts the standard error of a mean UAR near 1.4 points (README, shipped',
    'model), so differences of a point or two between rows are not findings. The paper\'s figures are on **IEMOCAP** and are given',
    'for reference only: different corpora, speakers and acted styles, so they are not a target to match. Of',
    'the paper\'s Table 1 only the full MSIR\'s means (UAR 82.1, F1 71.2) are available here; its per-emotion',
    'figures, its subsets\' rows and its ComParE / eGeMAPS SVM baselines\' figures are not, so no paper row',
    'stands beside ours. The functional baselines (the paper\'s ComParE / eGeMAPS + SVM references and the',
    'project\'s own set) are deterministic and run once: ComParE 2016 functionals are reimplemented from',
    'openSMILE\'s ComParE_2016 functional configuration over the project\'s 65 LLDs (6373 values, same layout;',
    'no openSMILE functionals output was at hand to check the values against); the eGeMAPS set has 66 of the',
    '88 eGeMAPS v02 functionals (no formants, H1–H2, H1–A3; alpha ratio, Hammarberg index and spectral',
    'slopes from the 40 log-Mel bands), so it is eGeMAPS-style, not eGeMAPS. No wav2vec2 weights were',
    'supplied unless a w2v row is listed, so the paper\'s full model (CR + LLD + w2v) is not reproduced here.',
    '',
    '#### Means over the four emotions',
    '',
    meansTable(result),
    '',
  );
  const bt = baselinesTable(result);
  if (bt) out.push('#### Functional baselines, val and test', '', 'C per emotion and the thresholds are chosen on val (UAR at the val-chosen threshold); test is reported only.', '', bt, '');
  const cap = Number(result.settings.EPOCHS);
  const neural = result.runs.filter((r) => r.group !== 'baseline' && r.bestEpoch !== null);
  const atCap = neural.filter((r) => r.bestEpoch === cap);
  if (Number.isFinite(cap) && neural.length) {
    out.push(
      `Epoch cap ${cap} (patience ${result.settings.PATIENCE ?? '?'}), set for CPU time: ${atCap.length} of ${neural.length} neural runs had their best val epoch at the cap` +
        (atCap.length ? ` (${atCap.map((r) => r.run).join(', ')}), so they were still improving and longer training may raise them.` : '.'),
      '',
    );
  }
  const paired = focalVsCe(result);
  if (paired) out.push('#### Focal loss against cross-entropy, paired by seed', '', paired, '');
  for (const [metric, title] of [['uar', 'UAR'], ['f1', 'F1'], ['tpr', 'TPR'], ['tnr', 'TNR']] as const) {
    out.push(`#### ${title} per emotion`, '', perEmotionTable(result, metric), '');
  }
  if (sw) {
    out.push(
      '#### ζ sweep (Fig. 5)',
      '',
      `Branches ${branchesLabel(sw.branches)}, focal loss with θ = 2, seeds ${sw.seeds.join(', ')}. Adam is invariant to a common`,
      'scale of the loss, so a ζ shared by the four emotions only rescales the gradients it normalises away;',
      'what ζ changes is the weight of one emotion\'s loss against the others\'. The sweep is a cyclic design:',
      `run k gives emotion e the value ζ[(e + k) mod ${sw.zetas.length}] of (${sw.zetas.join(', ')}), so over ${sw.zetas.length} runs per seed every emotion`,
      'is trained once at every ζ (the other emotions at other values). Each emotion\'s figures below are from',
      'the runs in which it had that ζ. The per-emotion choice takes the ζ with the best mean val UAR of that',
      'emotion (as the paper tunes ζ per emotion); its test figures are in the last row.',
      '',
      zetaTable(sw),
      '',
      `![ζ sweep: test UAR per emotion against its ζ](${svgPath})`,
      '',
    );
    if (shared.length) {
      const base = result.runs.filter((r) => r.group === 'branches' && r.loss === 'focal' && r.branches === shared[0]!.branches && (r.zeta ?? [1]).every((z) => z === 1));
      const row = (rs: PaperRun[], label: string): string => `| ${label} | ${rs.map((r) => r.seed).join(', ')} | ${pm(testOf(rs, (mm) => mm.mean.uar))} | ${pm(testOf(rs, (mm) => mm.mean.f1))} | ${pm(stat(rs.map((r) => r.val.mean.uar)))} |`;
      out.push(
        `Control, one ζ for all four emotions (${branchesLabel(shared[0]!.branches)}, focal, same seeds as ζ = 1). Adam's invariance predicts`,
        'no effect beyond float rounding; rounding differences still grow over the epochs into a different model,',
        'so the two rows should differ by about the seed spread and no more.',
        '',
        '| ζ (all emotions) | seeds | test UAR | test F1 | val UAR |',
        '| --- | --- | ---: | ---: | ---: |',
        ...(base.length ? [row(base, '1')] : []),
        row(shared, String(shared[0]!.zeta?.[0] ?? '?')),
        '',
      );
    }
  }
  return out.join('\n');
}

/** The section docs/experiments.md shows: '' when `dir` holds no paper.json. Writes `dir`/zeta.svg from
 *  the JSON, or with `check` throws when the SVG on disk is stale. */
export function paperSection(dir: string, check: boolean): string {
  const file = path.join(dir, PAPER_JSON);
  if (!existsSync(file)) return '';
  const result = JSON.parse(readFileSync(file, 'utf8')) as PaperResult;
  const svgFile = path.join(dir, ZETA_SVG);
  const svg = zetaSvg(result);
  if (check) {
    if (!existsSync(svgFile) || readFileSync(svgFile, 'utf8') !== svg) throw new Error(`${svgFile} is stale: run npm run experiments:doc`);
  } else {
    writeFileSync(svgFile, svg);
  }
  return ['## Paper reproduction (MSIR branches, focal loss, ζ sweep, functional baselines)', '', formatPaper(result, `${path.basename(dir)}/${ZETA_SVG}`), ''].join('\n');
}
