// <msir-detector> on examples/widget.html (a page styled to clash) in real Chromium with a fake
// microphone playing RAVDESS speech: it renders, is keyboard operable, starts, emits detections with
// the Detector API's payload, stops, reports errors, and the host CSS changes nothing inside it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMOTIONS } from '../../src/model/emotions.ts';
import { launchChromium, ROOT, startServer } from './harness.ts';

const SHARED = path.resolve(ROOT, '../shared');
const MODEL_DIR = path.resolve(ROOT, process.env.MSIR_WIDGET_TEST_MODEL ?? 'public/models/msir-default');
const MODEL_URL = `/models/${path.basename(MODEL_DIR)}/`;
/** Test-split RAVDESS speech: angry then neutral, with silence around each (utterance mode needs it). */
const CLIPS = ['audio/Actor_21/03-01-05-02-01-01-21.flac', 'audio/Actor_21/03-01-01-01-01-01-21.flac'];

let tmp: string;
let server: ViteDevServer;
let url: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(MODEL_DIR, 'manifest.json'))) throw new Error(`no model at ${MODEL_DIR}: the widget test needs the shipped default model`);
  tmp = mkdtempSync(path.join(tmpdir(), 'msir-widget-'));
  // Chromium's fake capture reads 16-bit PCM WAV; 1.5 s of silence before and after each clip.
  const parts = CLIPS.map((c, i) => {
    const out = path.join(tmp, `part${i}.wav`);
    execFileSync('sox', [path.join(SHARED, 'corpora/ravdess', c), '-r', '48000', '-b', '16', out, 'pad', '1.5', '1.5']);
    return out;
  });
  const mic = path.join(tmp, 'mic.wav');
  execFileSync('sox', [...parts, mic]);
  ({ server, url } = await startServer());
  browser = await launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${mic}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
  // Warm-up: the first detector start on a fresh dev server may make Vite pre-bundle late-found
  // dependencies and reload the page; let that happen here rather than inside a test.
  const page = await browser.newPage();
  await page.goto(`${url}/examples/widget.html`);
  await page
    .evaluate(async (model) => {
      // Utterance mode: loads the voice-activity detector as well as the model.
      const el = document.getElementById('widget') as HTMLElement & { start(): Promise<void>; stop(): void };
      el.setAttribute('model', model);
      await Promise.race([el.start(), new Promise((r) => setTimeout(r, 60_000))]);
      await new Promise((r) => setTimeout(r, 2000));
      el.stop();
    }, MODEL_URL)
    .catch(() => undefined); // a reload mid-warm-up destroys the context: that is what it is for
  await page.close();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Console, page errors and navigations of a page, for failure messages. */
const pageLog = new WeakMap<Page, string[]>();

async function openExample(): Promise<Page> {
  const page = await browser.newPage();
  const log: string[] = [];
  pageLog.set(page, log);
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
  page.on('framenavigated', (f) => log.push(`navigated: ${f.url()}`));
  await page.goto(`${url}/examples/widget.html`);
  await page.evaluate(() => customElements.whenDefined('msir-detector'));
  await page.evaluate((model) => {
    for (const el of document.querySelectorAll('msir-detector')) el.setAttribute('model', model);
  }, MODEL_URL);
  return page;
}

/** Every computed property of every element inside each widget's shadow root. */
function shadowStyles(page: Page): Promise<Record<string, Record<string, string>>> {
  return page.evaluate(() => {
    const out: Record<string, Record<string, string>> = {};
    for (const host of document.querySelectorAll('msir-detector')) {
      host.shadowRoot!.querySelectorAll('*').forEach((el, i) => {
        if (el.tagName === 'STYLE') return;
        const cs = getComputedStyle(el);
        const props: Record<string, string> = {};
        for (let k = 0; k < cs.length; k++) props[cs[k]!] = cs.getPropertyValue(cs[k]!);
        out[`${host.id} ${i} ${el.tagName.toLowerCase()}.${el.className}`] = props;
      });
    }
    return out;
  });
}

describe('<msir-detector> on a page styled to conflict', () => {
  it('renders with ARIA, and the host CSS changes no computed style inside it (nor does its CSS leak out)', async () => {
    const page = await openExample();
    const info = await page.evaluate(() => {
      const w = document.getElementById('widget')!;
      const c = document.getElementById('compact')!;
      const q = (el: Element, s: string): Element | null => el.shadowRoot!.querySelector(s);
      return {
        rows: w.shadowRoot!.querySelectorAll('li.emotion').length,
        compactRows: Array.from(c.shadowRoot!.querySelectorAll<HTMLElement>('li.emotion')).map((li) => li.dataset.emotion),
        label: q(w, 'button.toggle')!.getAttribute('aria-label'),
        pressed: q(w, 'button.toggle')!.getAttribute('aria-pressed'),
        rec: q(w, '.rec')!.getAttribute('role'),
        recText: q(w, '.rec-text')!.textContent,
        meters: Array.from(w.shadowRoot!.querySelectorAll('[role="meter"]')).map((m) => m.getAttribute('aria-label')),
        group: q(w, '.panel')!.getAttribute('aria-label'),
        panelDisplay: getComputedStyle(q(w, '.panel')!).display,
      };
    });
    expect(info.rows).toBe(4);
    expect(info.compactRows).toEqual(['happy', 'angry']);
    expect(info.label).toMatch(/^Start emotion detection/);
    expect(info.pressed).toBe('false');
    expect(info.rec).toBe('status');
    expect(info.recText).toBe('Not recording');
    expect(info.meters).toEqual(EMOTIONS.map((e) => `${e} probability`));
    expect(info.group).toBe('Speech emotion detector');
    expect(info.panelDisplay).toBe('block'); // the host's `.panel { display: none !important }` does not reach in

    // The host CSS is live (so this test can fail): it restyles the page's own elements...
    const hostH1 = await page.$eval('h1', (h) => getComputedStyle(h).color);
    expect(hostH1).toBe('rgb(208, 0, 156)');
    // ...and the widget's CSS does not leak out onto a host element using the same class names.
    const leak = await page.evaluate(() => {
      const b = document.createElement('button');
      b.className = 'toggle';
      document.body.append(b);
      const bg = getComputedStyle(b).backgroundColor;
      b.remove();
      return bg;
    });
    expect(leak).toBe('rgb(255, 255, 0)');

    const withHostCss = await shadowStyles(page);
    await page.evaluate(() => ((document.getElementById('conflict') as HTMLStyleElement).disabled = true));
    expect(await page.$eval('h1', (h) => getComputedStyle(h).color)).not.toBe(hostH1);
    const withoutHostCss = await shadowStyles(page);
    expect(Object.keys(withHostCss).length).toBeGreaterThan(20);
    const diffs: string[] = [];
    for (const [el, props] of Object.entries(withoutHostCss)) {
      for (const [prop, value] of Object.entries(props)) {
        if (withHostCss[el]![prop] !== value) diffs.push(`${el} ${prop}: ${value} → ${withHostCss[el]![prop]}`);
      }
    }
    expect(diffs).toEqual([]);
    await page.close();
  });

  it('is keyboard operable: Tab reaches Start, Enter starts the microphone, detections arrive, Enter stops', async () => {
    const page = await openExample();
    await page.evaluate(() => {
      const w = window as unknown as { events: Array<{ id: string; type: string; detail: unknown }> };
      w.events = [];
      for (const el of document.querySelectorAll('msir-detector')) {
        for (const type of ['detection', 'error', 'state']) {
          el.addEventListener(type, (e) => {
            const d = (e as CustomEvent).detail as Record<string, unknown> | string;
            // Float32Arrays do not survive page.evaluate: keep lengths and sums of the attention.
            const detail =
              type === 'detection' && typeof d === 'object'
                ? {
                    ...d,
                    attention: Object.fromEntries(
                      Object.entries(d.attention as Record<string, Float32Array>).map(([k, v]) => [k, { n: v.length, sum: v.reduce((a, b) => a + b, 0), isF32: v instanceof Float32Array }]),
                    ),
                  }
                : type === 'error' && typeof d === 'object'
                  ? { stage: d.stage, message: d.message }
                  : d;
            w.events.push({ id: el.id, type, detail });
          });
        }
      }
    });
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement;
      return `${a.id} ${(a.shadowRoot?.activeElement as HTMLElement | null)?.className ?? ''}`;
    });
    expect(focused).toBe('widget toggle');
    await page.keyboard.press('Enter');
    await page
      .waitForFunction(() => document.getElementById('widget')!.getAttribute('data-state') === 'listening', undefined, { timeout: 120_000 })
      .catch(async (error: unknown) => {
        const state = await page.evaluate(() => {
          const el = document.getElementById('widget');
          return `${el?.getAttribute('data-state')}: ${el?.shadowRoot?.querySelector('.message')?.textContent}`;
        });
        throw new Error(`widget never listened (${state}); page log:\n${pageLog.get(page)!.join('\n')}`, { cause: error });
      });
    const live = await page.evaluate(() => {
      const r = document.getElementById('widget')!.shadowRoot!;
      return {
        on: r.querySelector('.rec')!.classList.contains('on'),
        text: r.querySelector('.rec-text')!.textContent,
        pressed: r.querySelector('button')!.getAttribute('aria-pressed'),
        label: r.querySelector('button')!.getAttribute('aria-label'),
        dot: getComputedStyle(r.querySelector('.dot')!).backgroundColor,
      };
    });
    expect(live).toEqual({ on: true, text: 'Recording', pressed: 'true', label: 'Stop emotion detection', dot: expect.stringMatching(/^rgba?\(224, 40, 30/) });

    // Utterance mode: a detection per spoken clip (the fake microphone loops speech and silence).
    await page.waitForFunction(
      () => (window as unknown as { events: Array<{ id: string; type: string }> }).events.some((e) => e.id === 'widget' && e.type === 'detection'),
      undefined,
      { timeout: 120_000, polling: 250 },
    );
    const events = await page.evaluate(() => (window as unknown as { events: Array<{ id: string; type: string; detail: any }> }).events);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    const d = events.find((e) => e.id === 'widget' && e.type === 'detection')!.detail;
    expect(Object.keys(d.emotions).sort()).toEqual([...EMOTIONS].sort());
    for (const e of EMOTIONS) {
      expect(d.emotions[e].probability).toBeGreaterThanOrEqual(0);
      expect(d.emotions[e].probability).toBeLessThanOrEqual(1);
      expect(typeof d.emotions[e].positive).toBe('boolean');
    }
    expect(d.end).toBeGreaterThan(d.start);
    expect(d.timings.featuresMs).toBeGreaterThan(0);
    expect(d.timings.modelMs).toBeGreaterThan(0);
    const branches = Object.keys(d.attention);
    expect(branches.length).toBeGreaterThan(0);
    for (const b of branches) {
      expect(d.attention[b].isF32).toBe(true);
      expect(d.attention[b].sum).toBeCloseTo(1, 3);
    }
    // The meters show the event's numbers.
    const shown = await page.evaluate(() =>
      Array.from(document.getElementById('widget')!.shadowRoot!.querySelectorAll('[role="meter"]')).map((m) => Number(m.getAttribute('aria-valuenow'))),
    );
    const last = await page.evaluate(() => (document.getElementById('widget') as unknown as { lastDetection: { emotions: Record<string, { probability: number }> } }).lastDetection);
    expect(shown).toEqual(EMOTIONS.map((e) => Math.round(last.emotions[e]!.probability * 100)));

    // Enter again stops: indicator off, microphone released, no more detections.
    await page.keyboard.press('Enter');
    const stopped = await page.evaluate(() => {
      const el = document.getElementById('widget')!;
      return { state: el.getAttribute('data-state'), on: el.shadowRoot!.querySelector('.rec')!.classList.contains('on'), text: el.shadowRoot!.querySelector('.rec-text')!.textContent };
    });
    expect(stopped).toEqual({ state: 'idle', on: false, text: 'Not recording' });
    const countAfterStop = await page.evaluate(() => (window as unknown as { events: Array<{ type: string }> }).events.filter((e) => e.type === 'detection').length);
    await page.waitForTimeout(4000);
    expect(await page.evaluate(() => (window as unknown as { events: Array<{ type: string }> }).events.filter((e) => e.type === 'detection').length)).toBe(countAfterStop);
    await page.close();
  });

  it('continuous mode via start(): detections every hop; a missing model gives an error event and an alert', async () => {
    const page = await openExample();
    const n = await page.evaluate(async () => {
      const el = document.getElementById('compact') as HTMLElement & { start(): Promise<void>; stop(): void };
      const got: unknown[] = [];
      el.addEventListener('detection', (e) => got.push((e as CustomEvent).detail));
      await el.start();
      await new Promise((r) => setTimeout(r, 9000));
      el.stop();
      return got.length;
    });
    // 3 s window, 1 s hop: at least a few detections in 9 s of listening, whatever the content.
    expect(n).toBeGreaterThanOrEqual(3);

    // Stop then start again: the loaded detector (its worker and model) is reused, not reloaded.
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    const again = await page.evaluate(async () => {
      const el = document.getElementById('compact') as HTMLElement & { start(): Promise<void>; stop(): void };
      const got = new Promise<boolean>((resolve) => el.addEventListener('detection', () => resolve(true), { once: true }));
      await el.start();
      const ok = await Promise.race([got, new Promise<boolean>((r) => setTimeout(() => r(false), 20_000))]);
      el.stop();
      return ok;
    });
    expect(again).toBe(true);
    expect(workers.filter((u) => u.includes('detector/worker/entry'))).toEqual([]);

    const err = await page.evaluate(async () => {
      const el = document.getElementById('compact') as HTMLElement & { start(): Promise<void> };
      el.setAttribute('model', '/models/does-not-exist/');
      const detail = new Promise<{ stage: string; message: string }>((resolve) =>
        el.addEventListener('error', (e) => resolve((e as unknown as CustomEvent).detail), { once: true }),
      );
      await el.start();
      const d = await detail;
      const msg = el.shadowRoot!.querySelector('.message')!;
      return { stage: d.stage, message: d.message, role: msg.getAttribute('role'), shown: msg.textContent, state: el.getAttribute('data-state') };
    });
    expect(err.stage).toBe('model');
    expect(err.message).toMatch(/does-not-exist/);
    expect(err.role).toBe('alert');
    expect(err.shown).toContain('Model failed to load');
    expect(err.state).toBe('error');

    const bad = await page.evaluate(() => {
      const el = document.getElementById('widget')!;
      el.setAttribute('emotions', 'happy,joy');
      return el.shadowRoot!.querySelector('.message')!.textContent;
    });
    expect(bad).toMatch(/unknown emotion\(s\) "joy"/);
    await page.close();
  });
});
