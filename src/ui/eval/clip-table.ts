// Per-clip results: sortable, filterable, each row can play its clip and show its attention heat-map.
// Only the first MAX_ROWS matching rows are in the DOM, so a 1,000+ clip run stays light.
import { EMOTIONS, type Emotion } from '../../model/emotions.ts';
import { attentionHeatmap } from '../shared/heatmap.ts';
import type { ClipResult } from './runner.ts';

const MAX_ROWS = 300;

type SortKey = 'id' | 'label' | 'status' | 'duration' | `p_${Emotion}`;
type StatusFilter = 'all' | 'ok' | 'error' | 'wrong' | 'right';

const MIME: Record<string, string> = { wav: 'audio/wav', flac: 'audio/flac', mp3: 'audio/mpeg', ogg: 'audio/ogg', opus: 'audio/ogg', m4a: 'audio/mp4', webm: 'audio/webm' };

/** A clip is "right" when its own emotion is decided positive and no other one is. */
export function isRight(r: ClipResult, thresholds: number[]): boolean | null {
  if (r.status !== 'ok' || !r.outcome || r.item.clip.label === null) return null;
  return EMOTIONS.every((e, k) => (r.outcome!.probabilities[k]! >= thresholds[k]!) === (e === r.item.clip.label));
}

export class ClipTable {
  readonly element: HTMLElement;
  #results: ClipResult[] = [];
  #thresholds: number[] = [0.5, 0.5, 0.5, 0.5];
  #sort: { key: SortKey; dir: 1 | -1 } = { key: 'id', dir: 1 };
  #filterText = '';
  #status: StatusFilter = 'all';
  readonly #tbody: HTMLTableSectionElement;
  readonly #note: HTMLElement;
  readonly #audio: HTMLAudioElement;
  #audioUrl: string | null = null;
  readonly #headers = new Map<SortKey, HTMLButtonElement>();

  constructor() {
    this.element = document.createElement('section');
    this.element.id = 'clips';
    this.element.setAttribute('aria-labelledby', 'clips-title');
    const title = document.createElement('h2');
    title.id = 'clips-title';
    title.textContent = 'Clips';
    const controls = document.createElement('div');
    controls.className = 'controls';
    const filter = document.createElement('input');
    filter.type = 'search';
    filter.id = 'clip-filter';
    filter.placeholder = 'filter by id, path, speaker, emotion';
    filter.setAttribute('aria-label', 'Filter clips');
    filter.addEventListener('input', () => {
      this.#filterText = filter.value.trim().toLowerCase();
      this.#render();
    });
    const status = document.createElement('select');
    status.id = 'clip-status';
    status.setAttribute('aria-label', 'Show clips');
    for (const [v, label] of [
      ['all', 'all clips'],
      ['right', 'decided right'],
      ['wrong', 'decided wrong'],
      ['ok', 'ran'],
      ['error', 'failed'],
    ] as const) {
      status.append(new Option(label, v));
    }
    status.addEventListener('change', () => {
      this.#status = status.value as StatusFilter;
      this.#render();
    });
    this.#audio = document.createElement('audio');
    this.#audio.controls = true;
    this.#audio.id = 'clip-audio';
    this.#audio.setAttribute('aria-label', 'Clip player');
    controls.append(filter, status, this.#audio);

    const table = document.createElement('table');
    table.id = 'clip-table';
    const head = document.createElement('tr');
    const cols: Array<[SortKey | null, string]> = [
      ['id', 'Clip'],
      ['label', 'Label'],
      ...EMOTIONS.map((e): [SortKey, string] => [`p_${e}`, `p(${e})`]),
      ['duration', 'Seconds'],
      ['status', 'Status'],
      [null, 'Actions'],
    ];
    for (const [key, label] of cols) {
      const th = document.createElement('th');
      th.scope = 'col';
      if (key) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'sort';
        b.textContent = label;
        b.dataset.sort = key;
        b.addEventListener('click', () => {
          this.#sort = { key, dir: this.#sort.key === key ? ((-this.#sort.dir) as 1 | -1) : 1 };
          this.#render();
        });
        this.#headers.set(key, b);
        th.append(b);
      } else {
        th.textContent = label;
      }
      head.append(th);
    }
    const thead = document.createElement('thead');
    thead.append(head);
    this.#tbody = document.createElement('tbody');
    table.append(thead, this.#tbody);
    this.#note = document.createElement('p');
    this.#note.id = 'clip-note';
    this.#note.setAttribute('aria-live', 'polite');
    this.element.append(title, controls, this.#note, table);
  }

  set(results: ClipResult[], thresholds: number[]): void {
    this.#results = results;
    this.#thresholds = thresholds;
    this.#render();
  }

  #value(r: ClipResult, key: SortKey): string | number {
    if (key === 'id') return r.item.clip.id;
    if (key === 'label') return r.item.clip.label ?? r.item.clip.emotion;
    if (key === 'status') return r.status;
    if (key === 'duration') return r.outcome?.durationSec ?? -1;
    const k = EMOTIONS.indexOf(key.slice(2) as Emotion);
    return r.outcome?.probabilities[k] ?? -1;
  }

  #visible(): ClipResult[] {
    const t = this.#filterText;
    const rows = this.#results.filter((r) => {
      if (this.#status === 'ok' && r.status !== 'ok') return false;
      if (this.#status === 'error' && r.status !== 'error') return false;
      if (this.#status === 'right' && isRight(r, this.#thresholds) !== true) return false;
      if (this.#status === 'wrong' && isRight(r, this.#thresholds) !== false) return false;
      if (!t) return true;
      const c = r.item.clip;
      return [c.id, c.path, c.speaker, c.emotion, c.label ?? ''].some((s) => s.toLowerCase().includes(t));
    });
    const { key, dir } = this.#sort;
    return rows.sort((a, b) => {
      const x = this.#value(a, key);
      const y = this.#value(b, key);
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
  }

  #render(): void {
    for (const [key, b] of this.#headers) {
      const th = b.parentElement!;
      th.setAttribute('aria-sort', key === this.#sort.key ? (this.#sort.dir === 1 ? 'ascending' : 'descending') : 'none');
    }
    const rows = this.#visible();
    this.#note.textContent =
      rows.length > MAX_ROWS
        ? `${rows.length} matching clips of ${this.#results.length}; showing the first ${MAX_ROWS} (filter or sort to see others).`
        : `${rows.length} matching clips of ${this.#results.length}.`;
    this.#tbody.replaceChildren(...rows.slice(0, MAX_ROWS).map((r) => this.#row(r)));
  }

  #row(r: ClipResult): HTMLTableRowElement {
    const tr = document.createElement('tr');
    const c = r.item.clip;
    tr.dataset.id = c.id;
    tr.dataset.status = r.status;
    const right = isRight(r, this.#thresholds);
    if (right !== null) tr.dataset.right = String(right);
    const td = (text: string, cls = ''): HTMLTableCellElement => {
      const cell = document.createElement('td');
      cell.textContent = text;
      if (cls) cell.className = cls;
      return cell;
    };
    const idCell = td(c.id, 'id');
    idCell.title = c.path;
    tr.append(idCell, td(c.label ?? `${c.emotion} (no 4-class label)`));
    EMOTIONS.forEach((_, k) => {
      const p = r.outcome?.probabilities[k];
      const cell = td(p === undefined ? '' : p.toFixed(3), 'num');
      if (p !== undefined && p >= this.#thresholds[k]!) cell.classList.add('positive');
      tr.append(cell);
    });
    tr.append(td(r.outcome ? r.outcome.durationSec.toFixed(2) : '', 'num'));
    const statusCell = td(r.status === 'error' ? `error: ${r.error?.message ?? ''}` : r.status, `status ${r.status}`);
    tr.append(statusCell);
    const actions = document.createElement('td');
    const play = document.createElement('button');
    play.type = 'button';
    play.textContent = 'Play';
    play.setAttribute('aria-label', `Play ${c.id}`);
    play.addEventListener('click', () => void this.#play(r));
    actions.append(play);
    if (r.outcome && Object.keys(r.outcome.attention).length > 0) {
      const show = document.createElement('button');
      show.type = 'button';
      show.textContent = 'Attention';
      show.setAttribute('aria-expanded', 'false');
      show.setAttribute('aria-label', `Attention heat-map of ${c.id}`);
      show.addEventListener('click', () => {
        const open = show.getAttribute('aria-expanded') === 'true';
        const next = tr.nextElementSibling;
        if (open && next?.classList.contains('heat')) next.remove();
        else {
          const row = document.createElement('tr');
          row.className = 'heat';
          const cell = document.createElement('td');
          cell.colSpan = EMOTIONS.length + 5;
          cell.append(attentionHeatmap(r.outcome!.attention, r.outcome!.durationSec));
          row.append(cell);
          tr.after(row);
        }
        show.setAttribute('aria-expanded', String(!open));
      });
      actions.append(show);
    }
    tr.append(actions);
    return tr;
  }

  async #play(r: ClipResult): Promise<void> {
    // Read the file again on demand: clip audio is never kept in memory after the run.
    const bytes = await r.item.file.read();
    const ext = r.item.file.path.split('.').pop()?.toLowerCase() ?? '';
    if (this.#audioUrl) URL.revokeObjectURL(this.#audioUrl);
    this.#audioUrl = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: MIME[ext] ?? 'application/octet-stream' }));
    this.#audio.src = this.#audioUrl;
    this.#audio.dataset.clip = r.item.clip.id;
    await this.#audio.play().catch(() => undefined);
  }
}
