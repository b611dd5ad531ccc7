// eval.html in real Chromium on a synthetic IEMOCAP-layout folder made from RAVDESS clips: the page's
// tables must equal `msir eval --json` on the same folder (counts exactly, rates within 0.01), the bad
// input must be listed, and the clip table, player, heat-map and exports must work.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMOTIONS } from '../../src/model/emotions.ts';
import { launchChromium, ROOT, startServer } from './harness.ts';
import { buildIemocapFixture, type IemocapFixture } from './eval-page-fixture.ts';

/** The shipped default model; MSIR_EVAL_TEST_MODEL=public/models/<other> points the test elsewhere. */
const MODEL_DIR = path.resolve(ROOT, process.env.MSIR_EVAL_TEST_MODEL ?? 'public/models/msir-default');
const MODEL_URL = `/models/${path.basename(MODEL_DIR)}/`;

interface CliMetrics {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  tpr: number | null;
  tnr: number | null;
  uar: number | null;
  f1: number | null;
}
interface CliOutput {
  n: number;
  failed: Array<{ id: string; error: string }>;
  thresholds: Record<string, number>;
  summary: { uar: number | null; f1: number | null; tpr: number | null; tnr: number | null };
  perEmotion: Record<string, CliMetrics>;
  fourClassUar: number | null;
  clips: Array<{ id: string; probabilities: Record<string, number> }>;
  outOfSet: { byEmotion: Record<string, { n: number; fired: Record<string, number>; none: number }> };
}

let tmp: string;
let fixture: IemocapFixture;
let cli: CliOutput;
let server: ViteDevServer;
let url: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(MODEL_DIR, 'manifest.json'))) {
    throw new Error(`no model at ${MODEL_DIR} (manifest.json missing): the eval page test needs the shipped default model`);
  }
  tmp = mkdtempSync(path.join(tmpdir(), 'msir-eval-page-'));
  fixture = buildIemocapFixture(tmp, 3);
  const json = path.join(tmp, 'cli.json');
  execFileSync(
    'npx',
    ['msir', 'eval', '--model', MODEL_DIR, '--corpus', fixture.root, '--split', 'test', '--out-of-set', '--json', json, '--cache', path.join(tmp, 'cache'), '--workers', '1'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  cli = JSON.parse(readFileSync(json, 'utf8')) as CliOutput;
  ({ server, url } = await startServer());
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Every data-value cell of a table, keyed "emotion.metric" (or "metric" for the summary). */
async function tableValues(page: Page, selector: string): Promise<Record<string, number>> {
  return page.$$eval(`${selector} td[data-metric]`, (cells) =>
    Object.fromEntries(
      cells.map((c) => {
        const e = (c as HTMLElement).dataset.emotion;
        const m = (c as HTMLElement).dataset.metric!;
        return [e ? `${e}.${m}` : m, Number((c as HTMLElement).dataset.value)];
      }),
    ),
  );
}

const listText = (page: Page, id: string): Promise<string[]> => page.$$eval(`#${id} li`, (lis) => lis.map((l) => l.textContent ?? ''));
const countOf = async (page: Page, id: string): Promise<number> => Number(await page.textContent(`#${id} .n`));

/** NaN in the page (undefined rate) is null in the CLI's JSON. */
function expectClose(page: number, cliValue: number | null, what: string): void {
  if (cliValue === null) expect(Number.isNaN(page), `${what}: page ${page}, CLI undefined`).toBe(true);
  else expect(Math.abs(page - cliValue), `${what}: page ${page}, CLI ${cliValue}`).toBeLessThanOrEqual(0.01);
}

describe('eval.html on an IEMOCAP-layout folder', () => {
  it('lists bad input, runs session 5 in workers, and its tables equal msir eval', async () => {
    expect(cli.n).toBe(fixture.scored.length);
    expect(cli.failed.map((f) => f.id)).toEqual([`iemocap:${fixture.corrupt}`]);

    const page = await browser.newPage({ acceptDownloads: true });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${url}/eval.html?workers=2&model=${encodeURIComponent(MODEL_URL)}`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.setInputFiles('#folder-input', fixture.root);
    await page.waitForSelector('#dataset:not([hidden])');

    // What was found: default session 5, every kind of bad input listed.
    expect(await page.inputValue('#session')).toBe('5');
    expect(await page.textContent('#dataset-summary')).toMatch(/IEMOCAP release layout/);
    expect(await page.textContent('#selection-summary')).toContain(`${fixture.scored.length + 1} clips with a 4-class label`);
    expect(await countOf(page, 'unlabelled')).toBe(fixture.unlabelled.length);
    expect((await listText(page, 'unlabelled')).every((t) => t.includes('(fru)'))).toBe(true);
    expect(await listText(page, 'unmatched')).toEqual([expect.stringContaining(`${fixture.orphan}.wav`)]);
    expect(await listText(page, 'missing')).toEqual([expect.stringContaining(fixture.missing)]);
    expect(await listText(page, 'other-files')).toEqual([expect.stringContaining('README.pdf')]);
    expect(await listText(page, 'label-issues')).toEqual([expect.stringMatching(/Ses05F_impro01\.txt:\d+: malformed label line/)]);
    // Session 1 is there, just filtered out.
    await page.selectOption('#session', 'all');
    expect(await page.textContent('#selection-summary')).toContain(`${fixture.scored.length + 3} clips`);
    await page.selectOption('#session', '5');

    // Heartbeat on the main thread (the longest gap between 20 ms timer ticks) and the time spent in
    // long tasks (> 50 ms) during the run.
    await page.evaluate(() => {
      const w = window as unknown as { maxGap: number; last: number; beat: number; longMs: number };
      w.longMs = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longMs += e.duration;
      }).observe({ type: 'longtask' });
      w.maxGap = 0;
      w.last = performance.now();
      w.beat = window.setInterval(() => {
        const now = performance.now();
        w.maxGap = Math.max(w.maxGap, now - w.last);
        w.last = now;
      }, 20);
    });
    const runStart = Date.now();
    await page.click('#run');
    await page.waitForSelector('#progress:not([hidden])');
    await page.waitForSelector('body[data-results="ready"]', { timeout: 240_000 });
    const runMs = Date.now() - runStart;
    const { maxGap, longMs } = await page.evaluate(() => {
      const w = window as unknown as { maxGap: number; longMs: number };
      return { maxGap: w.maxGap, longMs: w.longMs };
    });
    expect(await page.textContent('#progress-text')).toMatch(new RegExp(`${fixture.scored.length + 1} / ${fixture.scored.length + 1} clips \\(1 failed\\)`));
    expect(Number(await page.getAttribute('#progress-bar', 'value'))).toBe(fixture.scored.length + 1);

    // The corrupt clip failed, was reported, and the others ran.
    expect(await countOf(page, 'clip-errors')).toBe(1);
    expect((await listText(page, 'clip-errors'))[0]).toContain(fixture.corrupt);

    // Parity with the CLI.
    const summary = await tableValues(page, '#summary-table tr[data-latest]');
    expect(summary.n).toBe(cli.n);
    expectClose(summary.uar!, cli.summary.uar, 'summary UAR');
    expectClose(summary.f1!, cli.summary.f1, 'summary F1');
    expectClose(summary.tpr!, cli.summary.tpr, 'summary TPR');
    expectClose(summary.tnr!, cli.summary.tnr, 'summary TNR');
    expectClose(summary.fourClassUar!, cli.fourClassUar, '4-class UAR');
    const per = await tableValues(page, '#per-emotion-table');
    for (const e of EMOTIONS) {
      const c = cli.perEmotion[e]!;
      for (const k of ['tp', 'fp', 'tn', 'fn'] as const) expect(per[`${e}.${k}`], `${e} ${k}`).toBe(c[k]);
      for (const k of ['tpr', 'tnr', 'uar', 'f1'] as const) expectClose(per[`${e}.${k}`]!, c[k], `${e} ${k}`);
      expectClose(per[`${e}.threshold`]!, cli.thresholds[e]!, `${e} threshold`);
      // Fig. 4: the confusion matrix shows the same counts.
      const cm = await page.$$eval(`#confusion-matrices td[data-emotion="${e}"]`, (cells) =>
        Object.fromEntries(cells.map((c) => [(c as HTMLElement).dataset.cell, Number((c as HTMLElement).dataset.value)])),
      );
      expect(cm).toEqual({ tp: c.tp, fp: c.fp, tn: c.tn, fn: c.fn });
    }
    expect(await page.$$eval('#metric-chart svg rect', (r) => r.length)).toBeGreaterThanOrEqual(8);

    // Per-clip table: one row per run clip, sortable, filterable, playable, with a heat-map.
    const rows = await page.$$eval('#clip-table tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.id));
    expect(rows.sort()).toEqual([...fixture.scored, fixture.corrupt].map((u) => `iemocap:${u}`).sort());
    const cliP = new Map(cli.clips.map((c) => [c.id, c.probabilities]));
    const shown = await page.$$eval('#clip-table tbody tr[data-status="ok"]', (trs) =>
      trs.map((tr) => [(tr as HTMLElement).dataset.id!, Array.from(tr.querySelectorAll('td.num')).slice(0, 4).map((td) => Number(td.textContent))] as const),
    );
    for (const [id, p] of shown) {
      EMOTIONS.forEach((e, k) => expect(Math.abs(p[k]! - cliP.get(id)![e]!), `${id} p(${e})`).toBeLessThanOrEqual(0.0015));
    }
    await page.click('#clip-table button[data-sort="p_angry"]');
    await page.click('#clip-table button[data-sort="p_angry"]');
    const angry = await page.$$eval('#clip-table tbody tr[data-status="ok"]', (trs) => trs.map((tr) => Number(tr.querySelectorAll('td.num')[3]!.textContent)));
    expect(angry).toEqual([...angry].sort((a, b) => b - a));
    expect(await page.getAttribute('#clip-table th:has(button[data-sort="p_angry"])', 'aria-sort')).toBe('descending');
    await page.fill('#clip-filter', fixture.scored[0]!);
    expect(await page.$$eval('#clip-table tbody tr', (trs) => trs.length)).toBe(1);
    await page.click('#clip-table tbody tr button:text("Play")');
    await page.waitForFunction(() => (document.getElementById('clip-audio') as HTMLAudioElement).src.startsWith('blob:'));
    expect(await page.getAttribute('#clip-audio', 'data-clip')).toBe(`iemocap:${fixture.scored[0]}`);
    const duration = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const a = document.getElementById('clip-audio') as HTMLAudioElement;
          if (Number.isFinite(a.duration) && a.duration > 0) resolve(a.duration);
          else a.addEventListener('loadedmetadata', () => resolve(a.duration), { once: true });
        }),
    );
    expect(duration).toBeGreaterThan(2);
    await page.click('#clip-table tbody tr button:text("Attention")');
    const heat = await page.$eval('#clip-table tr.heat canvas', (c) => ({ w: (c as HTMLCanvasElement).width, label: c.getAttribute('aria-label') }));
    expect(heat.w).toBeGreaterThan(100);
    expect(heat.label).toMatch(/peaks at/);
    await page.fill('#clip-filter', '');
    await page.selectOption('#clip-status', 'error');
    expect(await page.$$eval('#clip-table tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.id))).toEqual([`iemocap:${fixture.corrupt}`]);

    // Exports.
    const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const exported = JSON.parse(readFileSync((await jsonDl.path())!, 'utf8')) as {
      report: { n: number };
      clips: Array<{ status: string; workerTensors?: number }>;
      problems: unknown[];
    };
    expect(exported.report.n).toBe(cli.n);
    expect(exported.clips).toHaveLength(fixture.scored.length + 1);
    expect(exported.problems.length).toBeGreaterThanOrEqual(3);
    // tf.tidy discipline in the workers: the live tensor count does not grow from clip to clip.
    const tensors = new Set(exported.clips.filter((c) => c.status === 'ok').map((c) => c.workerTensors));
    expect(tensors.size).toBe(1);
    const [csvDl] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const csv = readFileSync((await csvDl.path())!, 'utf8').trimEnd().split('\r\n');
    expect(csv[0]).toMatch(/^id,path,corpus,session,speaker,emotion,label,status,p_happy/);
    expect(csv).toHaveLength(fixture.scored.length + 2);

    expect(pageErrors).toEqual([]);
    // The run happened off the main thread: decoding and inference on it would fill most of the run
    // with long tasks; rendering the results is one short burst. No multi-second freeze either.
    expect(longMs / runMs).toBeLessThan(0.5);
    expect(maxGap).toBeLessThan(3000);
    console.log(
      `eval page: ${fixture.scored.length + 1} clips in ${runMs} ms, long tasks ${longMs.toFixed(0)} ms, longest main-thread gap ${maxGap.toFixed(0)} ms; ${await page.textContent('#progress-text')}`,
    );
    await page.close();
  });

  it('with "Also run clips of other emotions", shows what fires on them, as `msir eval --out-of-set`', async () => {
    const page = await browser.newPage({ acceptDownloads: true });
    await page.goto(`${url}/eval.html?workers=2&model=${encodeURIComponent(MODEL_URL)}`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.setInputFiles('#folder-input', fixture.root);
    await page.waitForSelector('#dataset:not([hidden])');
    await page.check('#out-of-set');
    await page.click('#run');
    await page.waitForSelector('body[data-results="ready"]', { timeout: 240_000 });
    const total = fixture.scored.length + 1 + fixture.unlabelled.length;
    expect(await page.textContent('#progress-text')).toMatch(new RegExp(`${total} / ${total} clips \\(1 failed\\)`));
    // The scored figures are those of the run without them.
    const summary = await tableValues(page, '#summary-table tr[data-latest]');
    expect(summary.n).toBe(cli.n);
    expectClose(summary.uar!, cli.summary.uar, 'summary UAR');
    // The table of other emotions equals the CLI's counts.
    const fru = cli.outOfSet.byEmotion.fru!;
    expect(fru.n).toBe(fixture.unlabelled.length);
    const row = await page.$$eval('#out-of-set-table tr[data-emotion="fru"] td', (tds) =>
      Object.fromEntries(tds.map((td) => [(td as HTMLElement).dataset.col, Number((td as HTMLElement).dataset.value)])),
    );
    expect(row.n).toBe(fru.n);
    for (const e of EMOTIONS) expect(row[e], e).toBeCloseTo((100 * fru.fired[e]!) / fru.n, 9);
    expect(row.none).toBeCloseTo((100 * fru.none) / fru.n, 9);
    // The JSON export carries them, and no longer lists them as not scored.
    const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const exported = JSON.parse(readFileSync((await jsonDl.path())!, 'utf8')) as {
      outOfSet: { byEmotion: Record<string, unknown> } | null;
      clips: unknown[];
      problems: Array<{ message: string }>;
    };
    expect(exported.outOfSet!.byEmotion.fru).toEqual(fru);
    expect(exported.clips).toHaveLength(total);
    expect(exported.problems.some((p) => p.message.includes('outside the 4 classes'))).toBe(false);
    await page.close();
  });

  it('reads the corpus from a zip and from dropped files, cancels mid-run, reports a folder with no audio', async () => {
    const files: Record<string, Uint8Array> = {};
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else files[path.relative(tmp, p).split(path.sep).join('/')] = new Uint8Array(readFileSync(p));
      }
    };
    walk(fixture.root);
    const zipPath = path.join(tmp, 'iemocap.zip');
    writeFileSync(zipPath, zipSync(files, { level: 1 }));
    const page = await browser.newPage();
    await page.goto(`${url}/eval.html?model=${encodeURIComponent(MODEL_URL)}`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.setInputFiles('#files-input', zipPath);
    await page.waitForSelector('#dataset:not([hidden])');
    expect(await page.textContent('#selection-summary')).toContain(`${fixture.scored.length + 1} clips with a 4-class label`);
    expect(await listText(page, 'missing')).toEqual([expect.stringContaining(fixture.missing)]);

    // Cancel after the first clip: the run stops, the figures cover the clips that finished. (A
    // speaker-normalised model first gathers speaker statistics, phase 'speakers': wait for a clip result.)
    await page.click('#run');
    await page.waitForFunction(() => {
      const bar = document.getElementById('progress-bar') as HTMLProgressElement;
      return bar.dataset.phase === 'clips' && Number(bar.value) >= 1;
    }, undefined, { timeout: 120_000 });
    await page.click('#cancel');
    await page.waitForSelector('body[data-results="ready"]');
    expect(await page.textContent('#progress-text')).toMatch(/cancelled$/);
    const done = await page.$$eval('#clip-table tbody tr[data-status="ok"], #clip-table tbody tr[data-status="error"]', (r) => r.length);
    const cancelled = await page.$$eval('#clip-table tbody tr[data-status="cancelled"]', (r) => r.length);
    expect(done).toBeGreaterThanOrEqual(1);
    expect(cancelled).toBeGreaterThanOrEqual(1);
    expect(done + cancelled).toBe(fixture.scored.length + 1);
    expect(await page.textContent('#results-note')).toContain(`${cancelled} not run (cancelled)`);
    expect(await page.isEnabled('#run')).toBe(true);
    // Run again to the end: the summary keeps both runs, one row each (Table 1 style comparison).
    await page.click('#run');
    await page.waitForSelector('body[data-results="ready"]', { timeout: 120_000 });
    const summaryRows = await page.$$eval('#summary-table tbody tr', (trs) => trs.map((tr) => tr.querySelectorAll('td')[1]!.textContent));
    // A speaker-normalised model's rows also say how it normalised (per speaker, as `msir eval` by default).
    const { speakerNormalisation } = JSON.parse(readFileSync(path.join(MODEL_DIR, 'manifest.json'), 'utf8')) as { speakerNormalisation?: unknown };
    const norm = speakerNormalisation ? ' · per-speaker normalisation' : '';
    expect(summaryRows).toEqual([`session 5${norm} (cancelled)`, `session 5${norm}`]);
    expect(await page.$eval('#summary-table tr[data-latest] td[data-metric="n"]', (c) => Number((c as HTMLElement).dataset.value))).toBe(fixture.scored.length);

    // Loose files dropped on the drop zone (label file + two of its WAVs).
    const evalDir = path.join(fixture.root, 'Session5', 'dialog', 'EmoEvaluation');
    const wavDir = path.join(fixture.root, 'Session5', 'sentences', 'wav', 'Ses05M_impro01');
    const loose = [path.join(evalDir, 'Ses05M_impro01.txt'), ...readdirSync(wavDir).slice(0, 2).map((f) => path.join(wavDir, f))];
    const payload = loose.map((p) => ({ name: path.basename(p), b64: readFileSync(p).toString('base64') }));
    const dataTransfer = await page.evaluateHandle((items) => {
      const dt = new DataTransfer();
      for (const { name, b64 } of items) dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
      return dt;
    }, payload);
    await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
    await page.waitForFunction(() => /3 files read/.test(document.getElementById('input-status')?.textContent ?? ''));
    expect(await page.textContent('#selection-summary')).toContain('2 clips with a 4-class label');

    // A zip that is not one, and a folder without audio.
    const noAudio = path.join(tmp, 'no-audio');
    execFileSync('mkdir', ['-p', noAudio]);
    writeFileSync(path.join(noAudio, 'notes.txt'), 'nothing to hear');
    writeFileSync(path.join(noAudio, 'broken.zip'), 'PK but not really a zip');
    execFileSync('mkdir', ['-p', path.join(noAudio, 'mocap')]);
    for (let i = 0; i < 600; i++) writeFileSync(path.join(noAudio, 'mocap', `frame${i}.txt`), String(i));
    await page.setInputFiles('#folder-input', noAudio);
    await page.waitForFunction(() => document.getElementById('dataset-summary')?.textContent?.startsWith('No audio files'));
    expect(await listText(page, 'source-problems')).toEqual([expect.stringMatching(/broken\.zip.*not a readable zip/)]);
    expect(await listText(page, 'label-issues')).toEqual([expect.stringContaining('no label files found')]);
    expect(await page.isDisabled('#run')).toBe(true);
    // Long lists are capped in the DOM, with the total shown.
    expect(await countOf(page, 'other-files')).toBe(601);
    const others = await listText(page, 'other-files');
    expect(others).toHaveLength(501);
    expect(others[500]).toBe('… and 101 more (all of them are in the JSON export)');
    await page.close();
  });
});
