// How the four detectors behave on clips of emotions they were not trained on (calm, boredom, fear,
// disgust, surprise, …): per corpus emotion name, the share of clips each detector fires on, and the
// share on which none fires. There is no right answer for these clips, so this is a description, not a
// score: it tells a user what a positive can mean when the speaker's emotion is outside the four.
import { EMOTIONS, type Emotion } from '../model/emotions.ts';

export interface OutOfSetRow {
  /** Clips of this emotion name. */
  n: number;
  /** Clips each detector fired on. */
  fired: Record<Emotion, number>;
  /** Clips no detector fired on. */
  none: number;
}

export interface OutOfSetReport {
  /** Keyed by the corpus's own emotion name (e.g. "calm", "fearful"). */
  byEmotion: Record<string, OutOfSetRow>;
  all: OutOfSetRow;
}

const emptyRow = (): OutOfSetRow => ({ n: 0, fired: Object.fromEntries(EMOTIONS.map((e) => [e, 0])) as Record<Emotion, number>, none: 0 });

/** probabilities[i] in EMOTIONS order; thresholds in EMOTIONS order; names[i] the clip's emotion name. */
export function outOfSetRates(probabilities: ArrayLike<number>[], names: string[], thresholds: ArrayLike<number>): OutOfSetReport {
  if (probabilities.length !== names.length) throw new Error(`outOfSetRates: ${probabilities.length} predictions for ${names.length} clips`);
  if (thresholds.length !== EMOTIONS.length) throw new Error(`outOfSetRates: need ${EMOTIONS.length} thresholds, got ${thresholds.length}`);
  const byEmotion: Record<string, OutOfSetRow> = {};
  const all = emptyRow();
  probabilities.forEach((p, i) => {
    const row = (byEmotion[names[i]!] ??= emptyRow());
    let any = false;
    EMOTIONS.forEach((e, k) => {
      if (p[k]! >= thresholds[k]!) {
        row.fired[e]++;
        all.fired[e]++;
        any = true;
      }
    });
    row.n++;
    all.n++;
    if (!any) {
      row.none++;
      all.none++;
    }
  });
  const sorted = Object.fromEntries(Object.entries(byEmotion).sort(([a], [b]) => a.localeCompare(b)));
  return { byEmotion: sorted, all };
}

/** A plain-text table: one line per emotion name, each detector's firing rate in %. */
export function formatOutOfSet(r: OutOfSetReport): string {
  const pct = (x: number, n: number): string => `${((100 * x) / n).toFixed(0)}%`.padStart(6);
  const lines = [`${'clips outside the four'.padEnd(24)}${'n'.padStart(5)}${EMOTIONS.map((e) => e.padStart(8)).join('')}${'none'.padStart(8)}`];
  const line = (name: string, row: OutOfSetRow): string =>
    `${name.padEnd(24)}${String(row.n).padStart(5)}${EMOTIONS.map((e) => `  ${pct(row.fired[e], row.n)}`).join('')}  ${pct(row.none, row.n)}`;
  for (const [name, row] of Object.entries(r.byEmotion)) lines.push(line(name, row));
  lines.push(line('all', r.all));
  return lines.join('\n');
}
