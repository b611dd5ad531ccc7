// <msir-detector> under a hostile host page (issue #19), in real Chromium with a fake microphone: host
// CSS that unsets everything, several instances, the element removed and re-added mid-run, the host
// suspending the AudioContext, and the microphone taken away mid-session (the host stopping the track,
// and the browser ending it as it does when permission is revoked). Each time: no uncaught error, a
// clear state on the element, its microphone, AudioContext and worker released, and a restart works.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, ROOT, startServer } from './harness.ts';

const SHARED = path.resolve(ROOT, '../shared');
const MODEL_URL = '/models/msir-default/';
const CLIP = 'corpora/ravdess/audio/Actor_21/03-01-05-02-01-01-21.flac';

let tmp: string;
let server: ViteDevServer;
let url: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** Instruments the host page before any of its scripts: every AudioContext, microphone stream and
 *  Worker the page creates is recorded, so the test can act as a hostile host and check releases. */
function instrument(): void {
  const w = window as unknown as Record<string, unknown>;
  const contexts: AudioContext[] = [];
  const streams: MediaStream[] = [];
  const workers: Array<{ terminated: boolean }> = [];
  w.__contexts = contexts;
  w.__streams = streams;
  w.__workers = workers;
  const NativeContext = window.AudioContext;
  window.AudioContext = class extends NativeContext {
    constructor(opts?: AudioContextOptions) {
      super(opts);
      contexts.push(this);
    }
  };
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    const s = await gum(c);
    streams.push(s);
    return s;
  };
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    readonly #rec = { terminated: false };
    constructor(u: string | URL, o?: WorkerOptions) {
      super(u, o);
      workers.push(this.#rec);
    }
    override terminate(): void {
      this.#rec.terminated = true;
      super.terminate();
    }
  };
}

/** What is still held: open (not closed) AudioContexts, live microphone tracks, running workers. */
function held(p: Page): Promise<{ contexts: number; tracks: number; workers: number }> {
  return p.evaluate(() => {
    const w = window as unknown as { __contexts: AudioContext[]; __streams: MediaStream[]; __workers: Array<{ terminated: boolean }> };
    return {
      contexts: w.__contexts.filter((c) => c.state !== 'closed').length,
      tracks: w.__streams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live').length,
      workers: w.__workers.filter((x) => !x.terminated).length,
    };
  });
}

/** held() once it equals `want`, or after 15 s whatever it is (closing a context or worker is async). */
async function heldSettled(p: Page, want: { contexts?: number; tracks?: number; workers?: number }): Promise<{ contexts: number; tracks: number; workers: number }> {
  const t0 = Date.now();
  for (;;) {
    const h = await held(p);
    if (Object.entries(want).every(([k, v]) => h[k as keyof typeof h] === v) || Date.now() - t0 > 15_000) return h;
    await p.waitForTimeout(200);
  }
}

type Widget = HTMLElement & { start(): Promise<void>; stop(): void; state: string };

/** Start a widget and wait for its first detection (continuous mode: one per second of audio). */
function startAndDetect(p: Page, id: string): Promise<{ state: string; detections: number }> {
  return p.evaluate(async (id) => {
    const el = document.getElementById(id) as Widget;
    let n = 0;
    const first = new Promise<void>((resolve) => el.addEventListener('detection', () => (++n === 1 ? resolve() : undefined)));
    await el.start();
    await Promise.race([first, new Promise((r) => setTimeout(r, 60_000))]);
    return { state: el.state, detections: n };
  }, id);
}

/** Each scenario starts from a listening 'compact' widget in the page, whatever the previous one left. */
async function ensureListening(p: Page): Promise<void> {
  await p.evaluate(() => {
    const w = window as unknown as { __parked?: Element };
    if (!document.getElementById('compact') && w.__parked) document.body.append(w.__parked);
  });
  // Listening on a dead microphone (a scenario that failed) counts as not listening.
  const ok = await p.evaluate(() => {
    const el = document.getElementById('compact') as Widget;
    const live = (window as unknown as { __streams: MediaStream[] }).__streams.some((s) => s.getTracks().some((t) => t.readyState === 'live'));
    if (el.state === 'listening' && live) return true;
    el.stop();
    return false;
  });
  if (!ok) expect((await startAndDetect(p, 'compact')).state).toBe('listening');
}

/** Wait until the element leaves 'listening', and say how it ended up. */
function awaitLeave(p: Page, id: string): Promise<{ state: string; message: string; role: string | null; stage: string | null }> {
  return p.evaluate(async (id) => {
    const el = document.getElementById(id) as Widget;
    const stage = new Promise<string>((resolve) => el.addEventListener('error', (e) => resolve((e as unknown as CustomEvent<{ stage: string }>).detail.stage), { once: true }));
    const t0 = performance.now();
    while (el.state === 'listening' && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 100));
    const msg = el.shadowRoot!.querySelector('.message')!;
    return { state: el.state, message: msg.textContent ?? '', role: msg.getAttribute('role'), stage: await Promise.race([stage, new Promise<null>((r) => setTimeout(() => r(null), 100))]) };
  }, id);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'msir-hostile-'));
  const mic = path.join(tmp, 'mic.wav');
  execFileSync('sox', [path.join(SHARED, CLIP), '-r', '48000', '-b', '16', mic, 'pad', '0.5', '0.5']);
  ({ server, url } = await startServer());
  browser = await launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${mic}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.addInitScript(instrument);
  // Warm-up: a fresh dev server may pre-bundle late-found dependencies on the first start and reload
  // the page; let that happen here, then load the page afresh for the tests.
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.goto(`${url}/examples/widget.html`);
    const ok = await page
      .evaluate(async (model) => {
        await customElements.whenDefined('msir-detector');
        const el = document.getElementById('compact') as Widget;
        el.setAttribute('model', model);
        await Promise.race([el.start(), new Promise((r) => setTimeout(r, 90_000))]);
        const listening = el.state === 'listening';
        el.stop();
        return listening;
      }, MODEL_URL)
      .catch(() => false);
    if (ok) break;
  }
  await page.goto(`${url}/examples/widget.html`);
  pageErrors.length = 0;
  await page.evaluate(() => customElements.whenDefined('msir-detector'));
  await page.evaluate((model) => {
    // The most hostile restyling a host can do, on top of the page's own clashing CSS.
    const s = document.createElement('style');
    s.textContent = '*, *::before, *::after { all: unset !important; } msir-detector { all: unset !important; }';
    document.head.append(s);
    for (const el of document.querySelectorAll('msir-detector')) el.setAttribute('model', model);
    // A third instance, added by script.
    const third = document.createElement('msir-detector');
    third.id = 'third';
    third.setAttribute('model', model);
    third.setAttribute('mode', 'continuous');
    document.body.append(third);
  }, MODEL_URL);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('<msir-detector> on a hostile host page', () => {
  it('keeps its layout under `all: unset !important`, and two instances detect side by side', async () => {
    // Created by script, not only parsed from HTML (its constructor once set an attribute, which makes
    // document.createElement throw "The result must not have attributes").
    const created = await page.evaluate(() => {
      const a = document.createElement('msir-detector');
      const Ctor = customElements.get('msir-detector')!;
      const b = new Ctor();
      return { a: !!a.shadowRoot, b: !!b.shadowRoot, third: !!document.getElementById('third')?.shadowRoot, state: document.getElementById('third')!.getAttribute('data-state') };
    });
    expect(created).toEqual({ a: true, b: true, third: true, state: 'idle' });
    const look = await page.evaluate(() =>
      ['compact', 'third'].map((id) => {
        const r = document.getElementById(id)!.shadowRoot!;
        const b = r.querySelector('button.toggle')!.getBoundingClientRect();
        return { panel: getComputedStyle(r.querySelector('.panel')!).display, button: b.width > 20 && b.height > 10 };
      }),
    );
    expect(look).toEqual([{ panel: 'block', button: true }, { panel: 'block', button: true }]);
    const [a, b] = await Promise.all([startAndDetect(page, 'compact'), startAndDetect(page, 'third')]);
    expect(a).toMatchObject({ state: 'listening' });
    expect(b).toMatchObject({ state: 'listening' });
    expect(a.detections).toBeGreaterThan(0);
    expect(b.detections).toBeGreaterThan(0);
    expect(await held(page)).toEqual({ contexts: 2, tracks: 2, workers: 2 });
    await page.evaluate(() => (document.getElementById('third') as Widget).stop());
    expect(pageErrors).toEqual([]);
  });

  it('releases everything when removed mid-run, and works again when re-added', async () => {
    await ensureListening(page);
    await page.evaluate(() => {
      const el = document.getElementById('compact')!;
      (window as unknown as { __parked: Element }).__parked = el;
      el.remove();
    });
    const released = await heldSettled(page, { contexts: 0, tracks: 0, workers: 1 });
    await page.evaluate(() => document.body.append((window as unknown as { __parked: Element }).__parked));
    // 'third' is stopped but keeps its loaded detector (its worker) for a quick restart.
    expect(released).toEqual({ contexts: 0, tracks: 0, workers: 1 });
    const again = await startAndDetect(page, 'compact');
    expect(again.state).toBe('listening');
    expect(again.detections).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it('shows a clear state when the host suspends its AudioContext, releases it, and restarts', async () => {
    await ensureListening(page);
    await page.evaluate(() => {
      const open = (window as unknown as { __contexts: AudioContext[] }).__contexts.filter((c) => c.state === 'running');
      for (const c of open) void c.suspend();
    });
    const after = await awaitLeave(page, 'compact');
    expect(after.state).toBe('error');
    expect(after.role).toBe('alert');
    expect(after.message).toMatch(/suspended/i);
    expect(await heldSettled(page, { contexts: 0, tracks: 0 })).toMatchObject({ contexts: 0, tracks: 0 });
    const again = await startAndDetect(page, 'compact');
    expect(again).toMatchObject({ state: 'listening' });
    expect(again.detections).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it('notices a microphone track stopped by the host (no ended event fires for that), and restarts', async () => {
    await ensureListening(page);
    await page.evaluate(() => {
      for (const s of (window as unknown as { __streams: MediaStream[] }).__streams) for (const t of s.getTracks()) t.stop();
    });
    const after = await awaitLeave(page, 'compact');
    expect(after.state).toBe('error');
    expect(after.message).toMatch(/microphone/i);
    expect(await heldSettled(page, { contexts: 0, tracks: 0 })).toMatchObject({ contexts: 0, tracks: 0 });
    const again = await startAndDetect(page, 'compact');
    expect(again).toMatchObject({ state: 'listening' });
    expect(pageErrors).toEqual([]);
  });

  it('reports the microphone ended by the browser (permission revoked), and restarts', async () => {
    await ensureListening(page);
    await page.evaluate(() => {
      const live = (window as unknown as { __streams: MediaStream[] }).__streams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live');
      // What Chromium does when the user revokes the permission: the track ends and says so.
      for (const t of live) {
        t.stop();
        t.dispatchEvent(new Event('ended'));
      }
    });
    const after = await awaitLeave(page, 'compact');
    expect(after.state).toBe('error');
    expect(after.message).toMatch(/microphone/i);
    expect(await heldSettled(page, { contexts: 0, tracks: 0 })).toMatchObject({ contexts: 0, tracks: 0 });
    const again = await startAndDetect(page, 'compact');
    expect(again).toMatchObject({ state: 'listening' });
    await page.evaluate(() => {
      for (const el of document.querySelectorAll('msir-detector')) el.remove();
    });
    expect(await heldSettled(page, { contexts: 0, tracks: 0, workers: 0 })).toEqual({ contexts: 0, tracks: 0, workers: 0 });
    expect(pageErrors).toEqual([]);
  });
});
