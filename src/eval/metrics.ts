// Detection metrics as the paper reports them: per emotion a binary positive/negative decision.
// Rates are in PERCENT. An undefined rate (e.g. TPR with no positive clips) is NaN and is left out of
// the means, so one absent emotion does not poison the summary.
import { EMOTIONS, type Emotion } from '../model/emotions.ts';

export interface EmotionMetrics {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Sensitivity, % of positive clips detected. */
  tpr: number;
  /** Specificity, % of negative clips rejected. */
  tnr: number;
  /** (TPR + TNR) / 2. */
  uar: number;
  /** F1 of the positive class, %. */
  f1: number;
  /** Counts: rows = truth (negative, positive), columns = decision (negative, positive). */
  confusion: [[number, number], [number, number]];
}

export interface EvalReport {
  n: number;
  perEmotion: Record<Emotion, EmotionMetrics>;
  /** Means over the four emotions (of the defined values); auc = mean ROC AUC. */
  summary: { uar: number; f1: number; tpr: number; tnr: number; auc: number };
  /** ROC AUC per emotion, %: how well the probabilities rank the emotion's clips above the others,
   * whatever the threshold (NaN without both positive and negative clips). */
  auc: Record<Emotion, number>;
  /** Unweighted average recall of the 4-class argmax decision, %. */
  fourClassUar: number;
  /** 4-class confusion by argmax: [truth][predicted] in EMOTIONS order. */
  fourClassConfusion: number[][];
}

export class MetricsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricsError';
  }
}

function checkInputs(probabilities: ArrayLike<number>[], labels: Emotion[]): void {
  if (probabilities.length !== labels.length) {
    throw new MetricsError(`${probabilities.length} probability rows but ${labels.length} labels`);
  }
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    if (p.length !== EMOTIONS.length) {
      throw new MetricsError(`clip ${i}: ${p.length} probabilities, expected ${EMOTIONS.length} (${EMOTIONS.join(', ')})`);
    }
    for (let k = 0; k < p.length; k++) {
      if (!Number.isFinite(p[k])) throw new MetricsError(`clip ${i}: probability ${k} is not finite (${p[k]})`);
    }
    if (!EMOTIONS.includes(labels[i])) throw new MetricsError(`clip ${i}: label "${String(labels[i])}" is not one of ${EMOTIONS.join(', ')}`);
  }
}

const pct = (num: number, den: number): number => (den > 0 ? (100 * num) / den : NaN);

/** Metrics of one binary decision from counts. */
export function binaryMetrics(tp: number, fp: number, tn: number, fn: number): EmotionMetrics {
  const tpr = pct(tp, tp + fn);
  const tnr = pct(tn, tn + fp);
  return {
    tp,
    fp,
    tn,
    fn,
    tpr,
    tnr,
    uar: (tpr + tnr) / 2,
    f1: pct(2 * tp, 2 * tp + fp + fn),
    confusion: [
      [tn, fp],
      [fn, tp],
    ],
  };
}

function meanDefined(values: number[]): number {
  const ok = values.filter(Number.isFinite);
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
}

/** Area under the ROC curve, %: the share of (positive, negative) pairs whose scores are ordered
 * correctly, ties counting half (Mann–Whitney U over average ranks). NaN without both classes. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  if (scores.length !== positive.length) throw new MetricsError(`${scores.length} scores but ${positive.length} labels`);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let nPos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1; // average rank of a run of ties
    for (let k = i; k <= j; k++) {
      if (positive[order[k]!]) {
        rankSum += rank;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = scores.length - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return ((rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg)) * 100;
}

/**
 * Evaluate per-clip probabilities (EMOTIONS order) against 4-class labels. Emotion k is decided
 * positive when probability ≥ thresholds[k]; the clip is truly positive for k when its label is k.
 */
export function evaluate(probabilities: ArrayLike<number>[], labels: Emotion[], thresholds: number[]): EvalReport {
  checkInputs(probabilities, labels);
  if (thresholds.length !== EMOTIONS.length || !thresholds.every(Number.isFinite)) {
    throw new MetricsError(`need ${EMOTIONS.length} finite thresholds, got [${thresholds.join(', ')}]`);
  }
  const perEmotion = {} as Record<Emotion, EmotionMetrics>;
  EMOTIONS.forEach((emotion, k) => {
    let tp = 0;
    let fp = 0;
    let tn = 0;
    let fn = 0;
    for (let i = 0; i < labels.length; i++) {
      const truth = labels[i] === emotion;
      const decided = probabilities[i][k] >= thresholds[k];
      if (truth && decided) tp++;
      else if (truth) fn++;
      else if (decided) fp++;
      else tn++;
    }
    perEmotion[emotion] = binaryMetrics(tp, fp, tn, fn);
  });
  const ms = EMOTIONS.map((e) => perEmotion[e]);
  const auc = {} as Record<Emotion, number>;
  EMOTIONS.forEach((emotion, k) => (auc[emotion] = rocAuc(probabilities.map((p) => p[k]!), labels.map((l) => l === emotion))));
  const confusion = EMOTIONS.map(() => EMOTIONS.map(() => 0));
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i];
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
    confusion[EMOTIONS.indexOf(labels[i])][best]++;
  }
  const recalls = confusion.map((row, k) => pct(row[k], row.reduce((a, b) => a + b, 0)));
  return {
    n: labels.length,
    perEmotion,
    summary: {
      uar: meanDefined(ms.map((m) => m.uar)),
      f1: meanDefined(ms.map((m) => m.f1)),
      tpr: meanDefined(ms.map((m) => m.tpr)),
      tnr: meanDefined(ms.map((m) => m.tnr)),
      auc: meanDefined(EMOTIONS.map((e) => auc[e])),
    },
    auc,
    fourClassUar: meanDefined(recalls),
    fourClassConfusion: confusion,
  };
}

/**
 * Per-emotion thresholds maximising that emotion's UAR on a validation set (ties: higher F1, then the
 * threshold nearest 0.5). Candidates are midpoints between consecutive distinct probabilities, so the
 * choice does not sit exactly on a validation clip. An emotion without positive or negative clips keeps 0.5.
 */
export function chooseThresholds(probabilities: ArrayLike<number>[], labels: Emotion[]): number[] {
  checkInputs(probabilities, labels);
  return EMOTIONS.map((emotion, k) => {
    const items = labels.map((l, i) => ({ p: probabilities[i][k], pos: l === emotion }));
    const P = items.filter((x) => x.pos).length;
    const N = items.length - P;
    if (P === 0 || N === 0) return 0.5;
    items.sort((a, b) => a.p - b.p);
    // Sweep thresholds upward: below the first clip everything is positive.
    let tp = P;
    let fp = N;
    let best = { uar: -1, f1: -1, t: 0.5 };
    const consider = (t: number): void => {
      const m = binaryMetrics(tp, fp, N - fp, P - tp);
      const f1 = Number.isFinite(m.f1) ? m.f1 : 0;
      const better =
        m.uar > best.uar + 1e-9 ||
        (Math.abs(m.uar - best.uar) <= 1e-9 &&
          (f1 > best.f1 + 1e-9 || (Math.abs(f1 - best.f1) <= 1e-9 && Math.abs(t - 0.5) < Math.abs(best.t - 0.5))));
      if (better) best = { uar: m.uar, f1, t };
    };
    consider(items[0].p > 0 ? items[0].p / 2 : items[0].p);
    for (let i = 0; i < items.length; i++) {
      if (items[i].pos) tp--;
      else fp--;
      const next = i + 1 < items.length ? items[i + 1].p : null;
      if (next !== null && next === items[i].p) continue; // same probability: one decision for all
      consider(next === null ? (items[i].p + 1) / 2 : (items[i].p + next) / 2);
    }
    return best.t;
  });
}
