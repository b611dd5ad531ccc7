import { describe, expect, it } from 'vitest';
import { binaryMetrics, chooseThresholds, evaluate, MetricsError, rocAuc } from '../../src/eval/metrics.ts';
import { formatReport } from '../../src/eval/report.ts';
import type { Emotion } from '../../src/model/emotions.ts';

// Ten clips, probabilities in EMOTIONS order [happy, neutral, sad, angry], thresholds 0.5.
const labels: Emotion[] = ['happy', 'happy', 'happy', 'neutral', 'neutral', 'sad', 'sad', 'angry', 'angry', 'angry'];
const probs = [
  [0.9, 0.1, 0.1, 0.2], // happy ✓
  [0.6, 0.1, 0.1, 0.7], // happy ✓, angry FP (argmax angry)
  [0.3, 0.6, 0.1, 0.1], // happy missed, neutral FP (argmax neutral)
  [0.1, 0.8, 0.1, 0.1], // neutral ✓
  [0.1, 0.4, 0.3, 0.1], // neutral missed (argmax neutral)
  [0.1, 0.1, 0.9, 0.1], // sad ✓
  [0.1, 0.5, 0.7, 0.1], // sad ✓, neutral FP
  [0.5, 0.1, 0.1, 0.9], // angry ✓, happy FP (p = threshold counts as positive)
  [0.1, 0.1, 0.1, 0.8], // angry ✓
  [0.1, 0.1, 0.2, 0.4], // angry missed (argmax angry)
];

describe('evaluate', () => {
  const r = evaluate(probs, labels, [0.5, 0.5, 0.5, 0.5]);

  it('counts per-emotion confusions as computed by hand', () => {
    // happy: P=3 (tp 2, fn 1), N=7 (fp 1: clip 8), tn 6
    expect(r.perEmotion.happy).toMatchObject({ tp: 2, fn: 1, fp: 1, tn: 6, confusion: [[6, 1], [1, 2]] });
    // neutral: P=2 (tp 1, fn 1), N=8 (fp 2: clips 3, 7), tn 6
    expect(r.perEmotion.neutral).toMatchObject({ tp: 1, fn: 1, fp: 2, tn: 6 });
    // sad: P=2 (tp 2), N=8, fp 0
    expect(r.perEmotion.sad).toMatchObject({ tp: 2, fn: 0, fp: 0, tn: 8 });
    // angry: P=3 (tp 2, fn 1), N=7 (fp 1: clip 2)
    expect(r.perEmotion.angry).toMatchObject({ tp: 2, fn: 1, fp: 1, tn: 6 });
  });

  it('computes rates in percent', () => {
    const h = r.perEmotion.happy;
    expect(h.tpr).toBeCloseTo(200 / 3, 10);
    expect(h.tnr).toBeCloseTo(600 / 7, 10);
    expect(h.uar).toBeCloseTo((200 / 3 + 600 / 7) / 2, 10);
    expect(h.f1).toBeCloseTo((100 * 4) / 6, 10);
    const n = r.perEmotion.neutral;
    expect(n.tpr).toBe(50);
    expect(n.tnr).toBe(75);
    expect(n.f1).toBeCloseTo((100 * 2) / 5, 10);
    expect(r.perEmotion.sad.uar).toBe(100);
    expect(r.perEmotion.sad.f1).toBe(100);
  });

  it('summarises as means over the four emotions', () => {
    const uars = [(200 / 3 + 600 / 7) / 2, 62.5, 100, (200 / 3 + 600 / 7) / 2];
    const f1s = [400 / 6, 40, 100, 400 / 6];
    expect(r.summary.uar).toBeCloseTo(uars.reduce((a, b) => a + b) / 4, 10);
    expect(r.summary.f1).toBeCloseTo(f1s.reduce((a, b) => a + b) / 4, 10);
    expect(r.n).toBe(10);
  });

  it('computes the 4-class UAR by argmax', () => {
    // argmax: happy 1/3 right, neutral 2/2, sad 2/2, angry 3/3
    expect(r.fourClassConfusion).toEqual([
      [1, 1, 0, 1],
      [0, 2, 0, 0],
      [0, 0, 2, 0],
      [0, 0, 0, 3],
    ]);
    expect(r.fourClassUar).toBeCloseTo((100 / 3 + 300) / 4, 10);
  });

  it('leaves undefined rates out of the means', () => {
    const m = binaryMetrics(0, 1, 3, 0);
    expect(m.tpr).toBeNaN();
    expect(m.tnr).toBe(75);
    // no happy or angry clips: their TPR/UAR are undefined; the means use neutral and sad only.
    const only: Emotion[] = ['sad', 'sad', 'neutral'];
    const rep = evaluate([[0.1, 0.1, 0.9, 0.1], [0.1, 0.1, 0.8, 0.1], [0.1, 0.3, 0.6, 0.1]], only, [0.5, 0.5, 0.5, 0.5]);
    expect(rep.perEmotion.happy.tpr).toBeNaN();
    expect(rep.perEmotion.happy.uar).toBeNaN();
    expect(rep.perEmotion.neutral.uar).toBe(50); // TPR 0, TNR 100
    expect(rep.perEmotion.sad.uar).toBe(50); // TPR 100, TNR 0
    expect(rep.summary.uar).toBe(50);
    expect(rep.summary.tpr).toBe(50);
  });

  it('rejects bad input with a MetricsError', () => {
    expect(() => evaluate([[0.1, 0.2]], ['sad'], [0.5, 0.5, 0.5, 0.5])).toThrow(MetricsError);
    expect(() => evaluate(probs, labels.slice(1), [0.5, 0.5, 0.5, 0.5])).toThrow(/labels/);
    expect(() => evaluate(probs, labels, [0.5])).toThrow(/thresholds/);
    expect(() => evaluate([[NaN, 0, 0, 0]], ['sad'], [0.5, 0.5, 0.5, 0.5])).toThrow(/not finite/);
    expect(() => evaluate([[0, 0, 0, 0]], ['calm' as Emotion], [0.5, 0.5, 0.5, 0.5])).toThrow(/label/);
  });

  it('formats a readable table', () => {
    const text = formatReport(r, 'test');
    expect(text).toContain('happy');
    expect(text).toMatch(/mean\s+\S+\s+\S+\s+\S+/);
    expect(text).toContain('4-class UAR (argmax): 83.3%');
  });
});

describe('chooseThresholds', () => {
  it('separates perfectly separable validation scores', () => {
    const lab: Emotion[] = ['happy', 'neutral', 'sad', 'angry', 'happy', 'sad'];
    // happy scores are all low but still above the others: a fixed 0.5 would miss them.
    const p = [
      [0.3, 0.0, 0.0, 0.0],
      [0.1, 0.9, 0.0, 0.0],
      [0.05, 0.0, 0.9, 0.0],
      [0.2, 0.0, 0.0, 0.6],
      [0.25, 0.1, 0.3, 0.0],
      [0.0, 0.0, 0.7, 0.0],
    ];
    const t = chooseThresholds(p, lab);
    expect(t[0]).toBeCloseTo(0.225, 10); // between 0.2 (angry clip) and 0.25 (lowest happy)
    const r = evaluate(p, lab, t);
    for (const e of ['happy', 'neutral', 'sad', 'angry'] as const) expect(r.perEmotion[e].uar).toBe(100);
  });

  it('maximises UAR, not accuracy, under class imbalance', () => {
    // 1 positive among 9 negatives; positive p = 0.4; negatives 0.1…0.5.
    const lab: Emotion[] = ['sad', ...Array<Emotion>(9).fill('neutral')];
    const sadP = [0.4, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.45, 0.5];
    const p = lab.map((_, i) => [0, 1 - sadP[i], sadP[i], 0]);
    const t = chooseThresholds(p, lab)[2];
    // threshold in (0.1, 0.4]: TPR 100, TNR 7/9 → UAR 88.9 beats everything else.
    expect(t).toBeGreaterThan(0.1);
    expect(t).toBeLessThanOrEqual(0.4);
    expect(evaluate(p, lab, [0.5, 0.5, t, 0.5]).perEmotion.sad.uar).toBeCloseTo((100 + 700 / 9) / 2, 10);
  });

  it('keeps 0.5 for an emotion absent from validation', () => {
    const t = chooseThresholds([[0.2, 0.7, 0.05, 0.05]], ['neutral']);
    expect(t).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
});

describe('ROC AUC', () => {
  it('counts correctly ordered (positive, negative) pairs, ties as half', () => {
    // positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs ordered
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBeCloseTo(75, 10);
    expect(rocAuc([0.5, 0.5, 0.9], [true, false, true])).toBeCloseTo(75, 10); // one tie (½) + one win, of 2 pairs
    expect(rocAuc([0.3, 0.2, 0.1], [true, false, false])).toBe(100);
    expect(rocAuc([0.3, 0.2, 0.1], [false, true, true])).toBe(0);
    expect(rocAuc([0.3, 0.2], [true, true])).toBeNaN();
    expect(() => rocAuc([0.3], [true, false])).toThrow(MetricsError);
  });

  it('is in the report per emotion and as a mean, whatever the thresholds', () => {
    const a = evaluate(probs, labels, [0.5, 0.5, 0.5, 0.5]);
    const b = evaluate(probs, labels, [0.1, 0.9, 0.3, 0.6]);
    expect(a.auc).toEqual(b.auc);
    expect(a.auc.happy).toBeCloseTo(rocAuc(probs.map((p) => p[0]!), labels.map((l) => l === 'happy')), 10);
    expect(a.summary.auc).toBeCloseTo((a.auc.happy + a.auc.neutral + a.auc.sad + a.auc.angry) / 4, 10);
    expect(formatReport(a)).toMatch(/ROC AUC % \(threshold-free ranking\): happy \d+\.\d, neutral/);
  });
});
