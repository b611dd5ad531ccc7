// A readable text table of an EvalReport, as `msir eval` prints it.
import { EMOTIONS } from '../model/emotions.ts';
import type { EvalReport } from './metrics.ts';

const f = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const pad = (s: string, w: number): string => (s.length >= w ? s : ' '.repeat(w - s.length) + s);

export function formatReport(report: EvalReport, title = ''): string {
  const cols = ['emotion', 'TPR%', 'TNR%', 'UAR%', 'F1%', 'TP', 'FP', 'TN', 'FN'];
  const widths = [8, 7, 7, 7, 7, 6, 6, 6, 6];
  const row = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]) : pad(c, widths[i]))).join(' ');
  const lines: string[] = [];
  if (title) lines.push(title);
  lines.push(row(cols));
  lines.push(widths.map((w) => '-'.repeat(w)).join(' '));
  for (const e of EMOTIONS) {
    const m = report.perEmotion[e];
    lines.push(row([e, f(m.tpr), f(m.tnr), f(m.uar), f(m.f1), String(m.tp), String(m.fp), String(m.tn), String(m.fn)]));
  }
  lines.push(widths.map((w) => '-'.repeat(w)).join(' '));
  const s = report.summary;
  lines.push(row(['mean', f(s.tpr), f(s.tnr), f(s.uar), f(s.f1), '', '', '', '']));
  lines.push('');
  lines.push(`clips: ${report.n}   4-class UAR (argmax): ${f(report.fourClassUar)}%`);
  lines.push(`ROC AUC % (threshold-free ranking): ${EMOTIONS.map((e) => `${e} ${f(report.auc[e])}`).join(', ')}; mean ${f(s.auc)}`);
  lines.push('4-class confusion (rows truth, columns argmax):');
  lines.push(['', ...EMOTIONS].map((c, i) => (i === 0 ? ''.padEnd(8) : pad(c, 8))).join(' '));
  report.fourClassConfusion.forEach((r, i) => {
    lines.push([EMOTIONS[i].padEnd(8), ...r.map((v) => pad(String(v), 8))].join(' '));
  });
  return lines.join('\n');
}
