// Decision rules under corpus shift, measured on the protocol's held-out clips: the thresholds chosen on
// the training corpora's val speakers (what models ship with), a fixed 0.5, their midpoint, and the
// oracle (the best threshold per emotion on the held-out clips themselves: an upper bound no rule can
// reach without labels). Reads protocol JSON written by `msir protocol`; prints a markdown table.
//   npx tsx training/scripts/threshold-rules.ts docs/experiments/protocol-*.json
import { readFileSync } from 'node:fs';
import { evaluate } from '../../src/eval/metrics.ts';
import { EMOTIONS, type Emotion } from '../../src/model/emotions.ts';
import type { ProtocolResult } from '../commands/protocol.ts';

/** Mean over emotions of the UAR at the best threshold per emotion (every distinct score tried). */
function oracleUar(p: number[][], labels: Emotion[]): number {
  let total = 0;
  for (const [k, e] of EMOTIONS.entries()) {
    const pos = labels.map((l) => l === e);
    const nPos = pos.filter(Boolean).length;
    const nNeg = pos.length - nPos;
    // Sweep thresholds from the top score down: counts of positives/negatives at or above each score.
    const order = p.map((r, i) => [r[k]!, pos[i]!] as const).sort((a, b) => b[0] - a[0]);
    let tp = 0;
    let fp = 0;
    let best = 50;
    for (let i = 0; i < order.length; i++) {
      if (order[i]![1]) tp++;
      else fp++;
      if (i + 1 < order.length && order[i + 1]![0] === order[i]![0]) continue;
      best = Math.max(best, 50 * (tp / nPos + (nNeg - fp) / nNeg));
    }
    total += best;
  }
  return total / EMOTIONS.length;
}

const f1 = (x: number): string => x.toFixed(1);

const rows = ['| run | fold | val-chosen (shipped) | 0.5 | midpoint | oracle |', '| --- | --- | ---: | ---: | ---: | ---: |'];
for (const file of process.argv.slice(2)) {
  const r = JSON.parse(readFileSync(file, 'utf8')) as ProtocolResult;
  for (const fold of r.folds) {
    if (!fold.clips?.length) continue;
    const p = fold.clips.map((c) => c.p);
    const labels = fold.clips.map((c) => c.label as Emotion);
    const at = (t: number[]): number => evaluate(p, labels, t).summary.uar;
    rows.push(`| ${r.name} | ${fold.name} | ${f1(at(fold.thresholds))} | ${f1(at(EMOTIONS.map(() => 0.5)))} | ${f1(at(fold.thresholds.map((t) => (t + 0.5) / 2)))} | ${f1(oracleUar(p, labels))} |`);
  }
}
console.log(rows.join('\n'));
