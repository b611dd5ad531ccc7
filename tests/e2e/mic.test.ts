// Live microphone path in real headless Chromium: Chromium's fake capture device plays real RAVDESS
// speech (converted at test time to a temporary 48 kHz WAV); the demo page runs the Detector on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { launchChromium, startServer } from './harness.ts';
import { ANGRY_CLIP, detections, fakeMicFlags, makeFakeMic, waitReady, type DemoDetection, type FakeMic } from './demo-helpers.ts';

const MODEL = process.env['MSIR_E2E_MODEL'] ?? '/models/msir-default/';
const EMOTIONS = ['happy', 'neutral', 'sad', 'angry'] as const;

let server: ViteDevServer;
let url: string;
let mic: FakeMic;
let browser: Browser;

async function openDemo(b: Browser, mode: 'utterance' | 'continuous'): Promise<Page> {
  const page = await b.newPage();
  await page.goto(`${url}/?model=${encodeURIComponent(MODEL)}`);
  await waitReady(page);
  await page.selectOption('#mode', mode);
  return page;
}

async function thresholds(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const m = (window as unknown as { msirDemo: { detector: { info: { manifest: { emotions: string[]; thresholds: number[] } } } } }).msirDemo.detector.info.manifest;
    return ['happy', 'neutral', 'sad', 'angry'].map((e) => m.thresholds[m.emotions.indexOf(e)]!);
  });
}

function checkSane(d: DemoDetection, th: number[], branches: string[]): void {
  EMOTIONS.forEach((e, i) => {
    const { probability, positive } = d.emotions[e];
    expect(Number.isFinite(probability)).toBe(true);
    expect(probability).toBeGreaterThanOrEqual(0);
    expect(probability).toBeLessThanOrEqual(1);
    expect(positive).toBe(probability >= th[i]!);
  });
  expect(d.start).toBeGreaterThanOrEqual(0);
  expect(d.end).toBeGreaterThan(d.start);
  for (const t of Object.values(d.timings)) expect(t).toBeGreaterThanOrEqual(0);
  for (const b of branches) {
    const a = d.attention[b];
    expect(a, `attention for branch ${b}`).toBeDefined();
    expect(a!.length).toBeGreaterThan(0);
    expect(a!.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
    expect(a!.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 3);
  }
}

beforeAll(async () => {
  mic = await makeFakeMic([ANGRY_CLIP]);
  ({ server, url } = await startServer());
  browser = await launchChromium(fakeMicFlags(mic.wav));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await mic?.cleanup();
});

describe('live microphone (fake device playing RAVDESS speech)', () => {
  it('utterance mode: Silero VAD cuts the sentence, detections are sane, the strong angry clip is angry-positive', async () => {
    const page = await openDemo(browser, 'utterance');
    const th = await thresholds(page);
    // Attention over time comes from the MSIR models and ensembles of them (the linear baseline has none).
    const branches = await page.evaluate(() => {
      const info = (window as unknown as { msirDemo: { detector: { info: { branches: string[]; manifest: { arch: string } } } } }).msirDemo.detector.info;
      return info.manifest.arch !== 'linear' ? info.branches : [];
    });
    await page.click('#start');
    // The file loops: silence 1.5 s, clip 4.37 s, silence 1.5 s → one utterance per 7.4 s loop.
    await page.waitForFunction(() => (window as unknown as { msirDemo: { detections: unknown[] } }).msirDemo.detections.length >= 2, undefined, { timeout: 90_000, polling: 250 });
    const state = await page.textContent('#state');
    expect(state).toMatch(/VAD silero/);
    const ds = await detections(page);
    const levels = await page.evaluate(() => (window as unknown as { msirDemo: { levelFrames: number } }).msirDemo.levelFrames);
    expect(levels).toBeGreaterThan(100); // 31 level frames per second of audio
    for (const d of ds) {
      checkSane(d, th, branches);
      // Utterance length: the clip is 4.37 s of which ~3 s is speech.
      expect(d.end - d.start).toBeGreaterThan(1);
      expect(d.end - d.start).toBeLessThan(5.5);
      expect(d.latencyMs).toBeGreaterThan(0);
    }
    // Both utterances are the same clip: the same verdict each time.
    expect(ds[1]!.emotions.angry.positive).toBe(ds[0]!.emotions.angry.positive);
    expect(ds[0]!.emotions.angry.positive, `angry p=${ds[0]!.emotions.angry.probability} vs threshold ${th[3]}`).toBe(true);
    expect(await page.locator('#latest tr[data-emotion="angry"]').getAttribute('data-positive')).toBe('true');
    await page.click('#stop');
    // Stop → Start again: a fresh session (the worker reuses its Silero session) detects again.
    await page.waitForFunction(() => !(document.querySelector('#start') as HTMLButtonElement).disabled);
    const n = ds.length;
    await page.evaluate(() => ((window as unknown as { msirDemo: { detections: unknown[] } }).msirDemo.detections.length = 0));
    await page.click('#start');
    await page.waitForFunction(() => (window as unknown as { msirDemo: { detections: unknown[] } }).msirDemo.detections.length >= 1, undefined, { timeout: 60_000, polling: 250 });
    expect(await page.textContent('#state')).toMatch(/VAD silero/);
    expect(n).toBeGreaterThanOrEqual(2);
    await page.click('#stop');
    await page.close();
  });

  it('continuous mode updates at least once per second', async () => {
    const page = await openDemo(browser, 'continuous');
    await page.click('#start');
    await page.waitForFunction(() => (window as unknown as { msirDemo: { detections: unknown[] } }).msirDemo.detections.length >= 1, undefined, { timeout: 60_000 });
    await page.waitForTimeout(8000);
    const arrivals = await page.evaluate(() => (window as unknown as { msirDemo: { detections: Array<{ receivedAt: number; start: number; end: number }> } }).msirDemo.detections.map((d) => ({ at: d.receivedAt, start: d.start, end: d.end })));
    await page.click('#stop');
    await page.close();
    const intervals = arrivals.slice(1).map((a, i) => (a.at - arrivals[i]!.at) / 1000);
    const mean = intervals.reduce((s, v) => s + v, 0) / intervals.length;
    console.log(`continuous: ${arrivals.length} updates, mean interval ${mean.toFixed(3)} s, max ${Math.max(...intervals).toFixed(3)} s`);
    expect(arrivals.length).toBeGreaterThanOrEqual(7);
    expect(mean).toBeLessThanOrEqual(1.05);
    // Windows are ≤ 3 s and hop by 1 s of audio.
    for (const a of arrivals) expect(a.end - a.start).toBeLessThanOrEqual(3.001);
  });

  it('tab hidden pauses listening, shown again resumes; an unplugged device stops with a message', async () => {
    const page = await openDemo(browser, 'continuous');
    await page.click('#start');
    await page.waitForFunction(() => (window as unknown as { msirDemo: { detections: unknown[] } }).msirDemo.detections.length >= 1, undefined, { timeout: 60_000 });
    const setVisibility = (v: 'hidden' | 'visible') =>
      page.evaluate((vis) => {
        Object.defineProperty(document, 'visibilityState', { value: vis, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, v);
    await setVisibility('hidden');
    await page.waitForFunction(() => document.querySelector('#state')?.getAttribute('data-state') === 'paused', undefined, { timeout: 10_000 });
    expect(await page.textContent('#message')).toMatch(/tab is hidden/);
    const before = (await detections(page)).length;
    await page.waitForTimeout(2500);
    expect((await detections(page)).length - before).toBeLessThanOrEqual(1); // at most one already in flight
    await setVisibility('visible');
    await page.waitForFunction(() => document.querySelector('#state')?.getAttribute('data-state') === 'listening', undefined, { timeout: 10_000 });
    const resumed = (await detections(page)).length;
    await page.waitForFunction((n) => (window as unknown as { msirDemo: { detections: unknown[] } }).msirDemo.detections.length > n, resumed, { timeout: 30_000 });

    // Unplug: Chromium fires 'ended' on the track when the device disappears.
    await page.evaluate(() => (window as unknown as { msirDemo: { media: MediaStream } }).msirDemo.media.getAudioTracks()[0]!.dispatchEvent(new Event('ended')));
    await page.waitForFunction(() => document.querySelector('#message')?.getAttribute('data-code') === 'device-lost', undefined, { timeout: 10_000 });
    expect(await page.textContent('#message')).toMatch(/disconnected/);
    await page.waitForFunction(() => !(document.querySelector('#start') as HTMLButtonElement).disabled, undefined, { timeout: 10_000 });
    await page.close();
  });
});

describe('microphone errors', () => {
  it('permission denied and no input device give clear messages; Start stays usable', async () => {
    for (const [flags, code, text] of [
      [['--use-fake-device-for-media-stream'], 'permission-denied', /denied/],
      [[], 'no-input-device', /No microphone/],
    ] as const) {
      const b = await launchChromium([...flags]);
      try {
        const page = await b.newPage();
        await page.goto(`${url}/?model=${encodeURIComponent(MODEL)}`);
        await waitReady(page);
        await page.click('#start');
        await page.waitForFunction((c) => document.querySelector('#message')?.getAttribute('data-code') === c, code, { timeout: 20_000 });
        expect(await page.textContent('#message')).toMatch(text);
        expect(await page.isEnabled('#start')).toBe(true);
      } finally {
        await b.close();
      }
    }
  });

  it('a missing model and an invalid manifest are reported, not thrown away', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/?model=/models/no-such-model/`);
    await page.waitForFunction(() => document.querySelector('#message')?.getAttribute('data-code') === 'model-not-found', undefined, { timeout: 60_000 });
    expect(await page.textContent('#message')).toMatch(/No model at .*no-such-model\/manifest\.json/);
    // A folder that holds something else than a manifest: the repo's package.json stands in as a bad manifest.
    await page.route('**/models/broken/manifest.json', (r) => r.fulfill({ contentType: 'application/json', body: JSON.stringify({ formatVersion: 1, name: 'x' }) }));
    await page.goto(`${url}/?model=/models/broken/`);
    await page.waitForFunction(() => document.querySelector('#message')?.getAttribute('data-code') === 'invalid-manifest', undefined, { timeout: 60_000 });
    expect(await page.textContent('#message')).toMatch(/invalid/i);
    await page.close();
  });
});
