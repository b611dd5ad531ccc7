// Per-clip results and the report as CSV and JSON, for the page's export buttons. Pure.
import { evaluate, type EvalReport } from '../../eval/metrics.ts';
import { EMOTIONS, type Emotion } from '../../model/emotions.ts';
import type { ModelSummary } from './protocol.ts';
import type { Clip } from '../../eval/corpus/index.ts';
import type { ClipResult, SpeakerNormReport } from './runner.ts';
import type { ClipOutcome } from './protocol.ts';
import { outOfSetRates, type OutOfSetReport } from '../../eval/out-of-set.ts';

/** The metrics of a run: only clips that ran and carry a 4-class label count. */
export function reportOf(results: ClipResult[], thresholds: number[]): EvalReport | null {
  const scored = results.filter((r) => r.status === 'ok' && r.outcome && r.item.clip.label !== null);
  if (scored.length === 0) return null;
  return evaluate(
    scored.map((r) => r.outcome!.probabilities),
    scored.map((r) => r.item.clip.label as Emotion),
    thresholds,
  );
}

/** The detectors' firing rates on clips that ran and lie outside the 4 classes; null when none did. */
export function outOfSetOf(results: ClipResult[], thresholds: number[]): OutOfSetReport | null {
  const others = results.filter((r) => r.status === 'ok' && r.outcome && r.item.clip.label === null);
  if (others.length === 0) return null;
  return outOfSetRates(others.map((r) => r.outcome!.probabilities), others.map((r) => r.item.clip.emotion), thresholds);
}

const CSV_HEADER = [
  'id',
  'path',
  'corpus',
  'session',
  'speaker',
  'emotion',
  'label',
  'status',
  ...EMOTIONS.map((e) => `p_${e}`),
  ...EMOTIONS.map((e) => `positive_${e}`),
  'duration_s',
  'error',
];

function csvField(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function resultsToCsv(results: ClipResult[], thresholds: number[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const r of results) {
    const c = r.item.clip;
    const p = r.outcome?.probabilities;
    lines.push(
      [
        c.id,
        c.path,
        c.corpus,
        c.session,
        c.speaker,
        c.emotion,
        c.label ?? '',
        r.status,
        ...EMOTIONS.map((_, k) => (p ? p[k] : undefined)),
        ...EMOTIONS.map((_, k) => (p ? (p[k]! >= thresholds[k]! ? 1 : 0) : undefined)),
        r.outcome ? Number(r.outcome.durationSec.toFixed(3)) : undefined,
        r.error ? `${r.error.code}: ${r.error.message}` : undefined,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export interface JsonExport {
  generated: string;
  model: ModelSummary;
  selection: Record<string, unknown>;
  report: EvalReport | null;
  /** Firing rates on the clips outside the 4 classes, when they were run. */
  outOfSet: OutOfSetReport | null;
  /** How features were speaker-normalised (models with speaker normalisation), else null. */
  speakerNorm: SpeakerNormReport | null;
  clips: Array<Pick<Clip, 'id' | 'path' | 'corpus' | 'session' | 'speaker' | 'emotion' | 'label'> & {
    status: string;
    probabilities?: Record<Emotion, number>;
    positive?: Record<Emotion, boolean>;
    durationSec?: number;
    /** Tensors alive in the worker after the clip (a leak shows as growth). */
    workerTensors?: number;
    /** Which statistics normalised the clip ('speaker' or 'global') and the seconds of speech they hold. */
    normalisation?: ClipOutcome['normalisation'];
    error?: { code: string; message: string };
  }>;
  problems: Array<{ source: string; line?: number; message: string }>;
}

/** NaN (an undefined rate) becomes null in JSON, as JSON.stringify does. */
export function resultsToJson(
  results: ClipResult[],
  model: ModelSummary,
  selection: Record<string, unknown>,
  problems: JsonExport['problems'],
  speakerNorm: SpeakerNormReport | null = null,
): JsonExport {
  return {
    generated: new Date().toISOString(),
    model,
    selection,
    report: reportOf(results, model.thresholds),
    outOfSet: outOfSetOf(results, model.thresholds),
    speakerNorm,
    clips: results.map((r) => {
      const c = r.item.clip;
      const p = r.outcome?.probabilities;
      return {
        id: c.id,
        path: c.path,
        corpus: c.corpus,
        session: c.session,
        speaker: c.speaker,
        emotion: c.emotion,
        label: c.label,
        status: r.status,
        probabilities: p ? (Object.fromEntries(EMOTIONS.map((e, k) => [e, p[k]!])) as Record<Emotion, number>) : undefined,
        positive: p
          ? (Object.fromEntries(EMOTIONS.map((e, k) => [e, p[k]! >= model.thresholds[k]!])) as Record<Emotion, boolean>)
          : undefined,
        durationSec: r.outcome?.durationSec,
        workerTensors: r.outcome?.tensors,
        normalisation: r.outcome?.normalisation,
        error: r.error,
      };
    }),
    problems,
  };
}
