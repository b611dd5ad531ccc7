// The paper's result views of one run: Table 1-style summary, Tables 3–4 (sensitivity/specificity per
// emotion), Fig. 4 (four confusion matrices with counts) and Figs. 2–3 (UAR/F1 bars).
// Every number cell carries data-value with the unrounded figure (tests and screen readers use it).
import type { EvalReport } from '../../eval/metrics.ts';
import type { OutOfSetReport } from '../../eval/out-of-set.ts';
import { EMOTIONS } from '../../model/emotions.ts';
import { metricBarChart, type MetricBar } from '../shared/charts.ts';
import type { ModelSummary } from './protocol.ts';

export const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function num(value: number, attrs: Record<string, string>, digits = 1): HTMLTableCellElement {
  return h('td', { ...attrs, 'data-value': String(value), class: 'num' }, fmt(value, digits));
}

function count(value: number, attrs: Record<string, string>): HTMLTableCellElement {
  return h('td', { ...attrs, 'data-value': String(value), class: 'num' }, String(value));
}

/** One evaluated run: a row of the Table 1-style summary. */
export interface SummaryRow {
  report: EvalReport;
  model: ModelSummary;
  /** What was evaluated, e.g. "session 5" or "test split". */
  selection: string;
  /** tfjs backend the run used. */
  backend: string;
}

/**
 * Table 1 style: one row per run on this page (latest last, marked data-latest), so models or
 * selections can be compared side by side.
 */
export function summaryTable(rows: SummaryRow[]): HTMLTableElement {
  const head = ['Model', 'Branches', 'Evaluated on', 'Clips', 'UAR %', 'F1 %', 'Sensitivity %', 'Specificity %', '4-class UAR %'];
  return h(
    'table',
    { id: 'summary-table', class: 'metrics' },
    h('caption', {}, 'Summary (as Table 1): means over the four emotions, one row per run on this page'),
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...rows.map(({ report, model, selection, backend }, i) =>
        h(
          'tr',
          i === rows.length - 1 ? { 'data-latest': 'true' } : {},
          h('th', { scope: 'row' }, model.name),
          h('td', {}, `${model.branches.join(' + ')} (${model.arch}, ${backend})`),
          h('td', {}, selection),
          count(report.n, { 'data-metric': 'n' }),
          num(report.summary.uar, { 'data-metric': 'uar' }),
          num(report.summary.f1, { 'data-metric': 'f1' }),
          num(report.summary.tpr, { 'data-metric': 'tpr' }),
          num(report.summary.tnr, { 'data-metric': 'tnr' }),
          num(report.fourClassUar, { 'data-metric': 'fourClassUar' }),
        ),
      ),
    ),
  );
}

/** Tables 3–4: per emotion sensitivity (TPR), specificity (TNR), UAR, F1 and the counts. */
export function perEmotionTable(report: EvalReport, thresholds: number[]): HTMLTableElement {
  const head = ['Emotion', 'Threshold', 'Sensitivity (TPR) %', 'Specificity (TNR) %', 'UAR %', 'F1 %', 'TP', 'FP', 'TN', 'FN'];
  return h(
    'table',
    { id: 'per-emotion-table', class: 'metrics' },
    h('caption', {}, 'Per emotion (as Tables 3 and 4): positive = probability ≥ the model’s threshold'),
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...EMOTIONS.map((e, k) => {
        const m = report.perEmotion[e];
        const a = (metric: string): Record<string, string> => ({ 'data-emotion': e, 'data-metric': metric });
        return h(
          'tr',
          { 'data-emotion': e },
          h('th', { scope: 'row', class: 'emotion' }, e),
          num(thresholds[k]!, a('threshold'), 3),
          num(m.tpr, a('tpr')),
          num(m.tnr, a('tnr')),
          num(m.uar, a('uar')),
          num(m.f1, a('f1')),
          count(m.tp, a('tp')),
          count(m.fp, a('fp')),
          count(m.tn, a('tn')),
          count(m.fn, a('fn')),
        );
      }),
    ),
  );
}

/** Fig. 4: one 2×2 matrix per emotion, rows = truth, columns = decision, with counts and row %. */
export function confusionMatrices(report: EvalReport): HTMLElement {
  const wrap = h('div', { id: 'confusion-matrices', class: 'matrices' });
  for (const e of EMOTIONS) {
    const [[tn, fp], [fn, tp]] = report.perEmotion[e].confusion;
    const cell = (v: number, rowTotal: number, which: string, good: boolean): HTMLTableCellElement => {
      const share = rowTotal > 0 ? v / rowTotal : 0;
      const td = h(
        'td',
        { 'data-emotion': e, 'data-cell': which, 'data-value': String(v), class: `cm ${good ? 'good' : 'bad'}` },
        h('span', { class: 'count' }, String(v)),
        h('span', { class: 'share' }, rowTotal > 0 ? `${(100 * share).toFixed(1)}%` : '—'),
      );
      td.style.setProperty('--share', share.toFixed(3));
      return td;
    };
    wrap.append(
      h(
        'table',
        { class: 'confusion', 'data-emotion': e },
        h('caption', {}, e),
        h('thead', {}, h('tr', {}, h('td', {}, ''), h('th', { scope: 'col' }, `not ${e}`), h('th', { scope: 'col' }, e))),
        h(
          'tbody',
          {},
          h('tr', {}, h('th', { scope: 'row' }, `true not ${e}`), cell(tn, tn + fp, 'tn', true), cell(fp, tn + fp, 'fp', false)),
          h('tr', {}, h('th', { scope: 'row' }, `true ${e}`), cell(fn, fn + tp, 'fn', false), cell(tp, fn + tp, 'tp', true)),
        ),
      ),
    );
  }
  return wrap;
}

/** Figs. 2–3: UAR and F1 per emotion and their mean. */
export function metricCharts(report: EvalReport): HTMLElement {
  const bars: MetricBar[] = [];
  for (const e of EMOTIONS) {
    bars.push({ emotion: e, metric: 'UAR', value: report.perEmotion[e].uar });
    bars.push({ emotion: e, metric: 'F1', value: report.perEmotion[e].f1 });
  }
  bars.push({ emotion: 'mean', metric: 'UAR', value: report.summary.uar });
  bars.push({ emotion: 'mean', metric: 'F1', value: report.summary.f1 });
  return h('figure', { id: 'metric-chart' }, metricBarChart(bars), h('figcaption', {}, 'UAR and F1 per emotion (as Figs. 2–3)'));
}

/** Clips outside the four emotions: per emotion name, how often each detector fired (%) and how often none did. */
export function outOfSetTable(r: OutOfSetReport): HTMLTableElement {
  const table = h('table', { id: 'out-of-set-table', class: 'metrics' });
  table.append(h('caption', {}, 'Clips outside the 4 classes: share of clips each detector fired on (%)'));
  table.append(h('tr', {}, h('th', {}, 'emotion'), h('th', {}, 'n'), ...EMOTIONS.map((e) => h('th', {}, e)), h('th', {}, 'none')));
  const row = (name: string, x: OutOfSetReport['all']): HTMLTableRowElement =>
    h(
      'tr',
      { 'data-emotion': name },
      h('th', {}, name),
      count(x.n, { 'data-col': 'n' }),
      ...EMOTIONS.map((e) => num((100 * x.fired[e]) / x.n, { 'data-col': e }, 0)),
      num((100 * x.none) / x.n, { 'data-col': 'none' }, 0),
    );
  for (const [name, x] of Object.entries(r.byEmotion)) table.append(row(name, x));
  table.append(row('all', r.all));
  return table;
}
