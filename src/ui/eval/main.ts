// eval.html: pick a local corpus, run the detector over it in workers, show the paper's tables.
import './eval.css';
import type { BackendPreference } from '../../detector/types.ts';
import type { Split } from '../../eval/corpus/index.ts';
import { ClipTable } from './clip-table.ts';
import { buildDataset, defaultSelection, selectItems, type Dataset, type EvalItem, type Selection } from './dataset.ts';
import { outOfSetOf, reportOf, resultsToCsv, resultsToJson } from './export.ts';
import type { ModelSummary } from './protocol.ts';
import { confusionMatrices, metricCharts, outOfSetTable, perEmotionTable, summaryTable, type SummaryRow } from './report-view.ts';
import { EvalRun, type ClipResult, type Progress, type SpeakerNormReport } from './runner.ts';
import { isSpeakerNormMode, type SpeakerNormMode } from './speakers.ts';
import { collectDataTransfer, collectDirectoryPicker, collectFileList, hasDirectoryPicker, type Collected } from './sources.ts';

const $ = <T extends HTMLElement>(id: string): T => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`eval.html lacks #${id}`);
  return node as T;
};

const BACKENDS: readonly BackendPreference[] = ['auto', 'wasm', 'webgpu', 'webgl', 'cpu'];

interface PageState {
  dataset: Dataset | null;
  sourceProblems: Collected['problems'];
  run: EvalRun | null;
  last: { results: ClipResult[]; model: ModelSummary; selection: Selection; speakerNorm: SpeakerNormReport | null } | null;
}

const state: PageState = { dataset: null, sourceProblems: [], run: null, last: null };
/** Every finished run's summary, for the Table 1-style comparison. */
const history: SummaryRow[] = [];
const clipTable = new ClipTable();
$('clip-table-host').append(clipTable.element);

// URL parameters preset the options (tests and bookmarks): ?model=…&backend=…&workers=…
const params = new URLSearchParams(location.search);
if (params.get('model')) $<HTMLInputElement>('model').value = params.get('model')!;
if (params.get('wav2vec2')) $<HTMLInputElement>('wav2vec2').value = params.get('wav2vec2')!;
const backendParam = params.get('backend');
if (backendParam && (BACKENDS as readonly string[]).includes(backendParam)) $<HTMLSelectElement>('backend').value = backendParam;
const speakerNormParam = params.get('speakerNorm');
if (isSpeakerNormMode(speakerNormParam)) $<HTMLSelectElement>('speaker-norm').value = speakerNormParam;
const defaultWorkers = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));
$<HTMLInputElement>('workers').value = params.get('workers') ?? String(defaultWorkers);

// ---- input ---------------------------------------------------------------------------------------
async function accept(collect: Promise<Collected | null>): Promise<void> {
  const status = $('input-status');
  status.textContent = 'Reading the selection…';
  let collected: Collected | null;
  try {
    collected = await collect;
  } catch (error) {
    status.textContent = `Could not read the selection: ${error instanceof Error ? error.message : String(error)}`;
    return;
  }
  if (!collected) {
    status.textContent = '';
    return;
  }
  state.sourceProblems = collected.problems;
  const problems = $('source-problems');
  problems.replaceChildren(...collected.problems.map((p) => li(`${p.path}: ${p.message}`)));
  if (collected.files.length === 0) {
    status.textContent = 'The selection holds no files.';
    $('dataset').hidden = true;
    return;
  }
  const dataset = await buildDataset(collected.files);
  state.dataset = dataset;
  status.textContent = `${collected.files.length} files read.`;
  showDataset(dataset);
}

$<HTMLInputElement>('folder-input').addEventListener('change', (e) => {
  const input = e.currentTarget as HTMLInputElement;
  if (input.files) void accept(collectFileList(input.files));
});
$<HTMLInputElement>('files-input').addEventListener('change', (e) => {
  const input = e.currentTarget as HTMLInputElement;
  if (input.files) void accept(collectFileList(input.files));
});
if (hasDirectoryPicker()) {
  const b = $<HTMLButtonElement>('pick-directory');
  b.hidden = false;
  b.addEventListener('click', () => void accept(collectDirectoryPicker()));
}
const drop = $('drop-zone');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (e.dataTransfer) void accept(collectDataTransfer(e.dataTransfer));
});
drop.addEventListener('click', () => $<HTMLInputElement>('folder-input').click());
drop.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    $<HTMLInputElement>('folder-input').click();
  }
});

// ---- dataset view --------------------------------------------------------------------------------
function li(text: string): HTMLLIElement {
  const node = document.createElement('li');
  node.textContent = text;
  return node;
}

/** Longest list put in the DOM: a full IEMOCAP release has tens of thousands of non-audio files. */
const LIST_CAP = 500;

function fillList(id: string, lines: string[]): void {
  const details = $(id);
  details.querySelector('.n')!.textContent = String(lines.length);
  const shown = lines.slice(0, LIST_CAP).map(li);
  if (lines.length > LIST_CAP) shown.push(li(`… and ${lines.length - LIST_CAP} more (all of them are in the JSON export)`));
  details.querySelector('ul')!.replaceChildren(...shown);
  details.toggleAttribute('hidden', false);
}

function showDataset(d: Dataset): void {
  $('dataset').hidden = false;
  const audioCount = d.items.length + d.unmatchedAudio.length;
  const layoutName = d.layout === 'iemocap' ? 'IEMOCAP release layout' : d.layout === 'shared' ? 'shared corpus layout (metadata.csv)' : 'no known layout';
  $('dataset-summary').textContent =
    audioCount === 0
      ? `No audio files in the selection (${layoutName}): nothing to evaluate. Choose a folder with WAV or FLAC clips.`
      : `${layoutName}: ${audioCount} audio files, ${d.items.length} matched to labels, from ${d.labelFiles.length} label file(s).`;
  const session = $<HTMLSelectElement>('session');
  session.replaceChildren(new Option('all sessions', 'all'), ...d.sessions.map((s) => new Option(`Session ${s}`, String(s))));
  $('session-label').hidden = d.layout !== 'iemocap';
  const split = $<HTMLSelectElement>('split');
  split.replaceChildren(new Option('all clips', 'all'), ...d.splits.map((s) => new Option(s, s)));
  $('split-label').hidden = d.splits.length === 0;
  const sel = defaultSelection(d);
  session.value = String(sel.session);
  split.value = sel.split;
  fillList('unmatched', d.unmatchedAudio.map((f) => f.path));
  fillList('missing', d.missingAudio.map((c) => `${c.id} (${c.emotion}) — expected ${c.path}`));
  fillList('other-files', d.otherFiles.map((f) => f.path));
  fillList('label-issues', d.issues.map((i) => `${i.source}${i.line ? `:${i.line}` : ''}: ${i.message}`));
  updateSelection();
}

function currentSelection(): Selection {
  const s = $<HTMLSelectElement>('session').value;
  const sp = $<HTMLSelectElement>('split').value;
  return { session: s === 'all' || s === '' ? 'all' : Number(s), split: (sp || 'all') as Split | 'all' };
}

function selectionLabel(sel: Selection, d: Dataset): string {
  if (d.layout === 'iemocap') return sel.session === 'all' ? 'all sessions' : `session ${sel.session}`;
  return sel.split === 'all' ? 'all clips' : `${sel.split} split`;
}

function updateSelection(): { labelled: EvalItem[]; unlabelled: EvalItem[] } {
  const d = state.dataset;
  if (!d) return { labelled: [], unlabelled: [] };
  const { labelled, unlabelled } = selectItems(d, currentSelection());
  fillList('unlabelled', unlabelled.map((it) => `${it.clip.id} (${it.clip.emotion}) — ${it.file.path}`));
  $('selection-summary').textContent = `${labelled.length} clips with a 4-class label will be evaluated (${selectionLabel(currentSelection(), d)}).`;
  $<HTMLButtonElement>('run').disabled = labelled.length === 0 || state.run !== null;
  return { labelled, unlabelled };
}
$('session').addEventListener('change', updateSelection);
$('split').addEventListener('change', updateSelection);

// ---- run -----------------------------------------------------------------------------------------
function formatEta(sec: number): string {
  if (!Number.isFinite(sec)) return 'estimating…';
  if (sec < 60) return `${Math.ceil(sec)} s left`;
  return `${Math.floor(sec / 60)} min ${Math.ceil(sec % 60)} s left`;
}

let lastPaint = 0;
function showProgress(p: Progress, force = false): void {
  // Repaint at most ~8 times a second: a fast run must not spend its time on the DOM.
  const now = performance.now();
  if (!force && now - lastPaint < 120 && p.done < p.total) return;
  lastPaint = now;
  const bar = $<HTMLProgressElement>('progress-bar');
  bar.dataset.phase = p.phase;
  bar.max = Math.max(1, p.total);
  bar.value = p.done;
  bar.setAttribute('aria-valuetext', `${p.done} of ${p.total} clips`);
  const rate = p.elapsedSec > 0 ? p.done / p.elapsedSec : 0;
  $('progress-text').textContent =
    (p.phase === 'speakers' ? 'Speaker statistics (first pass): ' : '') +
    `${p.done} / ${p.total} clips` + (p.failed ? ` (${p.failed} failed)` : '') + ` · ${rate.toFixed(1)} clips/s · ${formatEta(p.etaSec)}`;
}

async function run(): Promise<void> {
  const d = state.dataset;
  if (!d || state.run) return;
  const selection = currentSelection();
  const { labelled, unlabelled } = updateSelection();
  if (labelled.length === 0) return;
  // Other emotions run after the scored clips, so a cancelled run still has the most figures.
  const items = $<HTMLInputElement>('out-of-set').checked ? [...labelled, ...unlabelled] : labelled;
  $('progress').hidden = false;
  $('results').hidden = true;
  delete document.body.dataset.results;
  $<HTMLButtonElement>('run').disabled = true;
  $<HTMLButtonElement>('cancel').disabled = false;
  $('progress-text').textContent = 'Loading the model…';
  $<HTMLProgressElement>('progress-bar').value = 0;
  const workers = Math.max(1, Math.min(8, Number($<HTMLInputElement>('workers').value) || 1));
  const speakerNormValue = $<HTMLSelectElement>('speaker-norm').value;
  const speakerNorm: SpeakerNormMode = isSpeakerNormMode(speakerNormValue) ? speakerNormValue : 'speaker';
  const errors: string[] = [];
  const errorList = $('clip-errors');
  errorList.querySelector('ul')!.replaceChildren();
  errorList.querySelector('.n')!.textContent = '0';
  const runner = new EvalRun(items, {
    model: $<HTMLInputElement>('model').value.trim() || '/models/msir-default/',
    wav2vec2: $<HTMLInputElement>('wav2vec2').value.trim() || undefined,
    backend: $<HTMLSelectElement>('backend').value as BackendPreference,
    workers,
    speakerNorm,
    onReady: (m) => {
      $('run-model').textContent =
        `Model ${m.name} (${m.arch}; ${m.branches.join(' + ')}) on ${m.backend}, ${workers} worker(s); thresholds ${m.thresholds.map((t) => t.toFixed(3)).join(' / ')}.`;
    },
    onProgress: (p) => showProgress(p),
    onResult: (r) => {
      if (r.status !== 'error') return;
      // Failed clips are shown as they happen: the run goes on with the rest.
      errors.push(`${r.item.clip.id} — ${r.item.file.path}: ${r.error?.message ?? 'failed'}`);
      errorList.querySelector('ul')!.append(li(errors[errors.length - 1]!));
      errorList.querySelector('.n')!.textContent = String(errors.length);
      $('results').hidden = false;
    },
  });
  state.run = runner;
  document.body.dataset.running = 'true';
  try {
    const out = await runner.done;
    showProgress(
      {
        phase: 'clips',
        done: out.results.filter((r) => r.status !== 'cancelled').length,
        total: items.length,
        failed: out.results.filter((r) => r.status === 'error').length,
        elapsedSec: out.elapsedSec,
        etaSec: 0,
      },
      true,
    );
    $('progress-text').textContent += out.cancelled ? ' · cancelled' : ` · done in ${out.elapsedSec.toFixed(1)} s`;
    state.last = { results: out.results, model: out.model, selection, speakerNorm: out.speakerNorm ?? null };
    showResults(out.results, out.model, selection, out.cancelled, out.speakerNorm ?? null);
  } catch (error) {
    $('progress-text').textContent = `Could not run: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    state.run = null;
    delete document.body.dataset.running;
    $<HTMLButtonElement>('cancel').disabled = true;
    updateSelection();
  }
}

$('run').addEventListener('click', () => void run());
$('cancel').addEventListener('click', () => state.run?.cancel());

/** What the page says about the run's speaker normalisation (empty for a model without it). */
function speakerNormText(r: SpeakerNormReport | null): string {
  if (!r) return '';
  if (r.mode === 'global') return 'Speaker normalisation: global (the training prior only, as for an unknown speaker).';
  return (
    `Speaker normalisation: per speaker (${r.speakers} speaker${r.speakers === 1 ? '' : 's'}, each with the statistics of its scored clips, as msir eval)` +
    (r.globalClips ? `; ${r.globalClips} clip${r.globalClips === 1 ? '' : 's'} with no usable speaker statistics used the training prior.` : '.')
  );
}

function showResults(results: ClipResult[], model: ModelSummary, selection: Selection, cancelled: boolean, speakerNorm: SpeakerNormReport | null): void {
  const d = state.dataset!;
  $('results').hidden = false;
  const ok = results.filter((r) => r.status === 'ok').length;
  const failed = results.filter((r) => r.status === 'error').length;
  const skipped = results.filter((r) => r.status === 'cancelled').length;
  const report = reportOf(results, model.thresholds);
  $('results-note').textContent =
    `${ok} clips scored` + (failed ? `, ${failed} failed` : '') + (skipped ? `, ${skipped} not run (cancelled)` : '') +
    (cancelled ? '. Cancelled: the figures cover the clips that finished.' : '.');
  const note = $('speaker-norm-note');
  note.textContent = speakerNormText(speakerNorm);
  note.hidden = !speakerNorm;
  if (speakerNorm) note.dataset.mode = speakerNorm.mode;
  else delete note.dataset.mode;
  const tables = $('tables');
  if (report) {
    const normLabel = speakerNorm ? ` · ${speakerNorm.mode === 'speaker' ? 'per-speaker' : 'global'} normalisation` : '';
    history.push({ report, model, selection: `${selectionLabel(selection, d)}${normLabel}${cancelled ? ' (cancelled)' : ''}`, backend: model.backend });
    tables.replaceChildren(
      summaryTable(history),
      perEmotionTable(report, model.thresholds),
      heading('Confusion matrices (as Fig. 4)'),
      confusionMatrices(report),
      metricCharts(report),
    );
    const others = outOfSetOf(results, model.thresholds);
    if (others) tables.append(heading('Clips outside the 4 classes (no right answer: what fires on them)'), outOfSetTable(others));
  } else {
    tables.replaceChildren(li('No clip could be scored.'));
  }
  clipTable.set(results, model.thresholds);
  document.body.dataset.results = 'ready';
}

function heading(text: string): HTMLHeadingElement {
  const h3 = document.createElement('h3');
  h3.textContent = text;
  return h3;
}

// ---- export --------------------------------------------------------------------------------------
function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

$('export-csv').addEventListener('click', () => {
  if (!state.last) return;
  download('msir-eval-clips.csv', 'text/csv', resultsToCsv(state.last.results, state.last.model.thresholds));
});
$('export-json').addEventListener('click', () => {
  if (!state.last || !state.dataset) return;
  const d = state.dataset;
  const ran = new Set(state.last.results.map((r) => r.item));
  const problems = [
    ...state.sourceProblems.map((p) => ({ source: p.path, message: p.message })),
    ...d.issues,
    ...d.unmatchedAudio.map((f) => ({ source: f.path, message: 'audio file without a label' })),
    ...d.missingAudio.map((c) => ({ source: c.path, message: `labelled clip ${c.id} has no audio file` })),
    ...selectItems(d, state.last.selection).unlabelled.filter((it) => !ran.has(it)).map((it) => ({
      source: it.file.path,
      message: `clip ${it.clip.id} is "${it.clip.emotion}", outside the 4 classes: not scored`,
    })),
    ...d.otherFiles.map((f) => ({ source: f.path, message: 'not audio: ignored' })),
  ];
  const json = resultsToJson(state.last.results, state.last.model, { ...state.last.selection, layout: d.layout }, problems, state.last.speakerNorm);
  download('msir-eval.json', 'application/json', JSON.stringify(json, null, 2));
});

document.body.dataset.ready = 'true';
