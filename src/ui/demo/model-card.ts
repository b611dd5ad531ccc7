// Model card from the manifest: what the model is, what it was trained on (with licences) and how it scored.
import type { ModelManifest } from '../../model/manifest.ts';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

/** RAVDESS ships under CC BY-NC-SA 4.0: say so wherever a model trained on it is shown. */
const LICENCE_NOTES: Array<[RegExp, string]> = [
  [/ravdess/i, 'RAVDESS is licensed CC BY-NC-SA 4.0: models trained on it are for non-commercial use only, with attribution (Livingstone & Russo, 2018).'],
  [/iemocap/i, 'IEMOCAP is released by USC SAIL under a research-only licence agreement.'],
  [/emo-?db|berlin/i, 'Emo-DB (Burkhardt et al., 2005) is free for research use.'],
];

interface RateRow {
  tpr?: number;
  tnr?: number;
  uar?: number;
  f1?: number;
}

const fmtPct = (v: unknown): string => (typeof v === 'number' ? v.toFixed(1) : '–');

/** EvalReport-shaped splits ({ n, perEmotion, summary, fourClassUar }) as a compact table; others flattened. */
function metricsTable(metrics: Record<string, unknown>): HTMLElement {
  const box = el('div');
  for (const [split, value] of Object.entries(metrics)) {
    const v = value as { n?: number; perEmotion?: Record<string, RateRow>; summary?: RateRow; fourClassUar?: number } | null;
    if (v && typeof v === 'object' && v.perEmotion && typeof v.perEmotion === 'object') {
      box.append(el('h4', `${split}${typeof v.n === 'number' ? ` (n = ${v.n})` : ''} — rates in %`));
      const table = el('table', undefined, 'metrics');
      const head = el('tr');
      for (const h of ['', 'TPR', 'TNR', 'UAR', 'F1']) head.append(el('th', h));
      table.append(head);
      const rows: Array<[string, RateRow]> = [...Object.entries(v.perEmotion), ...(v.summary ? ([['mean', v.summary]] as Array<[string, RateRow]>) : [])];
      for (const [name, r] of rows) {
        const tr = el('tr');
        tr.append(el('th', name), el('td', fmtPct(r.tpr)), el('td', fmtPct(r.tnr)), el('td', fmtPct(r.uar)), el('td', fmtPct(r.f1)));
        table.append(tr);
      }
      box.append(table);
      if (typeof v.fourClassUar === 'number') box.append(el('p', `4-class UAR: ${v.fourClassUar.toFixed(1)} %`));
      continue;
    }
    box.append(el('h4', split));
    if (value && typeof value === 'object') {
      const table = el('table');
      const flat: Array<[string, unknown]> = [];
      const walk = (prefix: string, x: unknown, depth: number): void => {
        if (x && typeof x === 'object' && !Array.isArray(x) && depth < 3) {
          for (const [k, y] of Object.entries(x)) walk(prefix ? `${prefix}.${k}` : k, y, depth + 1);
        } else flat.push([prefix, x]);
      };
      walk('', value, 0);
      for (const [k, x] of flat.slice(0, 40)) {
        const tr = el('tr');
        tr.append(el('th', k), el('td', typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(2)) : JSON.stringify(x)));
        table.append(tr);
      }
      box.append(table);
    } else box.append(el('p', String(value)));
  }
  return box;
}

/** 'mean of 6: E (msir, ×1), … ' from the ensemble manifest (names and archs recorded by `msir ensemble`). */
function ensembleMembers(m: ModelManifest): string {
  const recorded = Array.isArray(m.training['members']) ? (m.training['members'] as Array<{ name?: unknown; arch?: unknown }>) : [];
  const parts = m.ensemble!.members.map((mem, i) => {
    const r = recorded[i];
    const name = typeof r?.name === 'string' ? r.name : mem.folder;
    return `${name}${typeof r?.arch === 'string' ? ` (${r.arch})` : ''} ×${mem.weight}`;
  });
  return `weighted mean of ${parts.length}: ${parts.join(', ')}`;
}

/**
 * The detectors only know their own emotions, and were tuned on acted speech: say what a positive does
 * and does not mean (measured for the shipped default: calm, boredom, fear, disgust and surprise clips
 * make at least one detector fire on all 246 test clips; `msir eval --out-of-set`).
 */
export function limitsText(m: ModelManifest): string {
  const corpora = m.training.corpora.map((c) => c.name).join(', ');
  return (
    `Each detector says whether the voice sounds like ${m.emotions.join(', ')} — the only emotions this model was trained on` +
    `${corpora ? ` (acted speech from ${corpora})` : ''}. Speech in other emotions, such as calm, bored, fearful, disgusted or ` +
    'surprised, usually makes one of them fire anyway (calm tends to read as neutral or sad, surprise and fear as happy). ' +
    'A positive means "sounds more like this than the others it knows", not "the speaker feels this"; everyday speech is ' +
    'also subtler than acted speech.'
  );
}

export function renderModelCard(host: HTMLElement, m: ModelManifest, extra: { backend: string; wav2vec2: string }): void {
  host.replaceChildren();
  host.append(el('h3', m.name));
  const dl = el('dl');
  const row = (k: string, v: string): void => {
    dl.append(el('dt', k), el('dd', v));
  };
  row('Architecture', `${m.arch} — branches ${m.branches.join(' + ').toUpperCase()}`);
  if (m.ensemble) row('Members', ensembleMembers(m));
  row('Inputs', Object.entries(m.inputs).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', '));
  row('Input level', m.features.levelDb === undefined ? 'raw, as recorded' : `normalised to ${m.features.levelDb} dBFS active speech level`);
  const spec = m.speakerNormalisation;
  row(
    'Speaker normalisation',
    spec
      ? `per session: features z-scored with the statistics of the speech heard so far, blended with the training speakers' (which count as ${(spec.priorFrames * m.features.frameStepSec).toFixed(0)} s of speech)`
      : 'none (features as extracted)',
  );
  row('Emotions / thresholds', m.emotions.map((e, i) => `${e} ≥ ${m.thresholds[i]?.toFixed(3)}`).join(', '));
  row('wav2vec2', extra.wav2vec2);
  row('tfjs backend', extra.backend);
  const t = m.training;
  row('Training', `seed ${t.seed}, ${t.date}, commit ${String(t.commit).slice(0, 10)}`);
  host.append(dl);
  host.append(el('h4', 'Corpora and licences'));
  const ul = el('ul');
  const notes = new Set<string>();
  for (const c of t.corpora) {
    ul.append(el('li', `${c.name} — ${c.licence}`));
    for (const [re, note] of LICENCE_NOTES) if (re.test(c.name)) notes.add(note);
  }
  host.append(ul);
  for (const n of notes) host.append(el('p', n, 'licence-note'));
  host.append(el('h4', 'What a detection means'));
  host.append(el('p', limitsText(m), 'limits-note'));
  host.append(el('h4', 'Metrics (from the manifest)'));
  host.append(metricsTable(m.metrics));
}
