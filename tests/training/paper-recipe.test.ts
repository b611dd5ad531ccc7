// `npm run paper` (training/recipes/paper.sh) in a tiny configuration, end to end: every branch subset with
// CE and focal loss, a two-value ζ sweep, the shared-ζ control and the three functional baselines (project
// functionals + logistic regression, ComParE 2016 + linear SVM, eGeMAPS-style + linear SVM) train on a
// toy corpus (tiny preset, one epoch, one seed); the gathered JSON, the markdown tables and the ζ SVG must
// have the expected rows and be well-formed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMOTIONS } from '../../src/model/emotions.ts';
import { formatPaper, paperSection, stat, zetaSvg, type PaperResult } from '../../training/scripts/experiments-doc/paper.ts';
import { makeToyCorpus, repoRoot } from './toy-corpus.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'msir-paper-'));
const out = path.join(tmp, 'experiments');
const work = path.join(tmp, 'work');
const recipe = path.join(repoRoot, 'training/recipes/paper.sh');
const tinyEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  CORPORA: path.join(tmp, 'toy'),
  OUT: out,
  WORK: work,
  SEEDS: '1',
  LLD_SEEDS: '1',
  ZETAS: '0.5 2',
  SHARED_ZETA: '2',
  EPOCHS: '1',
  PATIENCE: '1',
  PRESET: 'tiny',
  TRAIN_FLAGS: '--max-clips 8',
  JOBS: '1',
  NICE: '0',
  ...extra,
});
let run: ReturnType<typeof spawnSync>;
let result: PaperResult;

const CONFIGS = ['linear', 'compare-svm', 'egemaps-svm', 'cr-ce', 'cr-focal', 'lld-ce', 'lld-focal', 'cr+lld-ce', 'cr+lld-focal', 'zeta-lld-c0', 'zeta-lld-c1', 'lld-focal-zeta2'];

beforeAll(() => {
  makeToyCorpus(path.join(tmp, 'toy'));
  run = spawnSync('bash', [recipe], { env: tinyEnv(), encoding: 'utf8', timeout: 540_000 });
  if (run.status === 0) result = JSON.parse(readFileSync(path.join(out, 'paper.json'), 'utf8'));
}, 600_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A minimal strict XML parser (elements, attributes, text, comments, the declaration): throws on
 *  anything malformed, returns the root element. */
interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
}
function parseXml(s: string): El {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`XML: ${why} at ${i}: ${JSON.stringify(s.slice(i, i + 40))}`);
  };
  const text = (t: string): void => {
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(t) || t.includes('<')) fail('bad character data');
  };
  if (s.startsWith('<?xml')) i = s.indexOf('?>') + 2;
  const stack: El[] = [];
  let root: El | null = null;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const chunk = s.slice(i, lt < 0 ? s.length : lt);
    if (stack.length === 0 && chunk.trim()) fail('text outside the root');
    text(chunk);
    if (lt < 0) break;
    i = lt;
    if (s.startsWith('<!--', i)) {
      const end = s.indexOf('-->', i);
      if (end < 0) fail('unclosed comment');
      i = end + 3;
      continue;
    }
    const close = /^<\/([A-Za-z_][\w:.-]*)\s*>/.exec(s.slice(i));
    if (close) {
      const top = stack.pop();
      if (!top || top.name !== close[1]) fail(`unexpected </${close[1]}>`);
      i += close[0].length;
      continue;
    }
    const open = /^<([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*"[^"<]*")*)\s*(\/?)>/.exec(s.slice(i));
    if (!open) fail('malformed tag');
    const attrs: Record<string, string> = {};
    for (const a of open![2]!.matchAll(/([A-Za-z_][\w:.-]*)\s*=\s*"([^"]*)"/g)) {
      if (a[1]! in attrs) fail(`duplicate attribute ${a[1]}`);
      text(a[2]!);
      attrs[a[1]!] = a[2]!;
    }
    const el: El = { name: open![1]!, attrs, children: [] };
    if (stack.length) stack[stack.length - 1]!.children.push(el);
    else if (root) fail('two roots');
    else root = el;
    if (!open![3]) stack.push(el);
    i += open![0].length;
  }
  if (stack.length || !root) fail('unclosed elements');
  return root!;
}
const all = (el: El, pred: (e: El) => boolean): El[] => [...(pred(el) ? [el] : []), ...el.children.flatMap((c) => all(c, pred))];

describe('npm run paper (tiny configuration)', () => {
  it('runs end to end and gathers every planned training', () => {
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(result.missing).toEqual([]);
    expect([...new Set(result.runs.map((r) => r.config))]).toEqual(CONFIGS);
    expect(result.settings).toMatchObject({ SEEDS: '1', ZETAS: '0.5 2', PRESET: 'tiny' });
    expect(result.reproduce).toMatch(/ZETAS='0.5 2' .*npm run paper$/);
    // the cyclic ζ design: each emotion trained once at each ζ
    const zetaRuns = result.runs.filter((r) => r.group === 'zeta');
    expect(zetaRuns.map((r) => r.zeta)).toEqual([[0.5, 2, 0.5, 2], [2, 0.5, 2, 0.5]]);
    expect(result.runs.find((r) => r.config === 'lld-focal-zeta2')!.zeta).toEqual([2, 2, 2, 2]);
    expect(result.runs.find((r) => r.config === 'lld-ce')!.zeta).toBeNull();
  });

  it('records finite metrics for every run, emotion and mean', () => {
    for (const r of result.runs) {
      for (const m of [r.val, r.test!]) {
        expect(m.n).toBe(8);
        for (const rates of [...EMOTIONS.map((e) => m.perEmotion[e]), m.mean]) {
          for (const v of Object.values(rates)) expect(Number.isFinite(v), `${r.run}: ${JSON.stringify(rates)}`).toBe(true);
        }
      }
      expect(r.wallSeconds).toBeGreaterThan(0);
    }
    expect(result.wallSeconds).toBeGreaterThan(0);
  });

  it('prints the tables with one row per configuration and the paper reference', () => {
    expect(run.stdout).toContain('#### Means over the four emotions');
    const md = formatPaper(result);
    expect(md).not.toMatch(/NaN|undefined|Infinity/);
    const tables = md.split('\n\n').filter((b) => b.startsWith('| '));
    expect(tables.length).toBeGreaterThanOrEqual(6);
    for (const t of tables) {
      const rows = t.split('\n').filter((l) => l.trim());
      const cols = rows[0]!.split(' | ').length;
      for (const row of rows) expect(row.split(' | ').length, row).toBe(cols);
    }
    const means = tables[0]!.split('\n').filter((l) => l.trim());
    expect(means).toHaveLength(2 + 10 + 1); // header, 10 configurations (ζ-sweep runs are in their own table), paper row
    expect(means[2]).toMatch(/^\| Project functionals \+ logistic regression \|/);
    expect(means[3]).toMatch(/^\| ComParE 2016 functionals \+ linear SVM \|/);
    expect(means[4]).toMatch(/^\| eGeMAPS-style functionals \+ linear SVM \|/);
    // the baselines' own table: features with their dimension, val-chosen C, val and test
    expect(md).toContain('#### Functional baselines, val and test');
    const bt = tables.find((t) => t.startsWith('| baseline |'))!.split('\n').filter((l) => l.trim());
    expect(bt).toHaveLength(2 + 3);
    expect(bt[2]).toContain('(1300)');
    expect(bt[3]).toContain('(6373)');
    expect(bt[4]).toContain('(66)');
    for (const row of bt.slice(2)) expect(row).toMatch(/\| [\d.e-]+ \/ [\d.e-]+ \/ [\d.e-]+ \/ [\d.e-]+ \|/);
    expect(means.at(-1)).toContain('82.1');
    expect(means.at(-1)).toContain('71.2');
    expect(md).toContain('#### ζ sweep (Fig. 5)');
    expect(md).toMatch(/\| \*\*val-chosen\*\* \((0\.5|2) \/ (0\.5|2) \/ (0\.5|2) \/ (0\.5|2)\)/);
  });

  it('writes a well-formed ζ SVG with one point per ζ in every series', () => {
    const svg = readFileSync(path.join(out, 'zeta.svg'), 'utf8');
    expect(svg).toBe(zetaSvg(result));
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    const series = all(root, (e) => e.name === 'g' && e.attrs.class === 'series');
    expect(series.map((g) => g.attrs['data-series'])).toEqual([...EMOTIONS, 'mean']);
    for (const g of series) {
      const pts = all(g, (e) => e.name === 'circle');
      expect(pts.map((c) => Number(c.attrs['data-zeta']))).toEqual([0.5, 2]);
      for (const c of pts) for (const k of ['cx', 'cy', 'data-uar']) expect(Number.isFinite(Number(c.attrs[k]))).toBe(true);
    }
  });

  it('renders the docs section from the JSON and detects a stale SVG', () => {
    const md = paperSection(out, true);
    expect(md).toMatch(/^## Paper reproduction/);
    expect(md).toContain('](experiments/zeta.svg)');
    const edited: PaperResult = { ...result, runs: result.runs.map((r) => (r.group === 'zeta' && r.test ? { ...r, test: { ...r.test, perEmotion: { ...r.test.perEmotion, happy: { ...r.test.perEmotion.happy, uar: 12.34 } } } } : r)) };
    expect(zetaSvg(edited)).not.toBe(zetaSvg(result));
  });

  it('plans the w2v subsets only when wav2vec2 weights are given', () => {
    const plan = (extra: Record<string, string>): string[] =>
      spawnSync('bash', [recipe], { env: tinyEnv({ DRY_RUN: '1', WORK: path.join(tmp, 'dry'), ...extra }), encoding: 'utf8' })
        .stdout.split('\n')
        .filter((l) => l.includes('\t'))
        .map((l) => l.split('\t')[1]!);
    expect(new Set(plan({}))).toEqual(new Set(CONFIGS));
    expect(plan({ BASELINES: 'egemaps-svm' }).filter((c) => c.endsWith('svm') || c === 'linear')).toEqual(['egemaps-svm']);
    const bad = spawnSync('bash', [recipe], { env: tinyEnv({ DRY_RUN: '1', WORK: path.join(tmp, 'dry'), BASELINES: 'gemaps' }), encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown baseline 'gemaps'");
    const w = plan({ WAV2VEC2: '/some/wav2vec2' });
    for (const c of ['w2v-ce', 'w2v-focal', 'cr+w2v-focal', 'lld+w2v-ce', 'cr+lld+w2v-ce', 'cr+lld+w2v-focal']) expect(w).toContain(c);
  });

  it('summarises over seeds with mean, sample sd, min and max', () => {
    expect(stat([80, 82, null, Number.NaN])).toEqual({ n: 2, mean: 81, sd: Math.SQRT2, min: 80, max: 82 });
    expect(stat([70])).toMatchObject({ n: 1, sd: null });
    expect(stat([])).toBeNull();
  });
});
