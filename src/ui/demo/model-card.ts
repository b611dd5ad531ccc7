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

function metricsTable(metrics: Record<string, unknown>): HTMLElement {
  const box = el('div');
  for (const [split, value] of Object.entries(metrics)) {
    box.append(el('h4', split));
    if (value && typeof value === 'object') {
      const table = el('table');
      const flat: Array<[string, unknown]> = [];
      const walk = (prefix: string, v: unknown, depth: number): void => {
        if (v && typeof v === 'object' && !Array.isArray(v) && depth < 3) {
          for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x, depth + 1);
        } else flat.push([prefix, v]);
      };
      walk('', value, 0);
      for (const [k, v] of flat.slice(0, 60)) {
        const tr = el('tr');
        tr.append(el('th', k), el('td', typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : JSON.stringify(v)));
        table.append(tr);
      }
      box.append(table);
    } else box.append(el('p', String(value)));
  }
  return box;
}

export function renderModelCard(host: HTMLElement, m: ModelManifest, extra: { backend: string; wav2vec2: string }): void {
  host.replaceChildren();
  host.append(el('h3', m.name));
  const dl = el('dl');
  const row = (k: string, v: string): void => {
    dl.append(el('dt', k), el('dd', v));
  };
  row('Architecture', `${m.arch} — branches ${m.branches.join(' + ').toUpperCase()}`);
  row('Inputs', Object.entries(m.inputs).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', '));
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
  host.append(el('h4', 'Metrics (from the manifest)'));
  host.append(metricsTable(m.metrics));
}
