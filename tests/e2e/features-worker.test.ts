// The feature worker in real Chromium: the demo page loads, then a test page starts the worker, which
// decodes real clips (WAV, FLAC, 44.1 kHz stereo) and returns the same features as Node's extractor.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAudio } from '../../src/audio/load.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import { REFERENCE, SHARED } from '../features/reference.ts';
import { launchChromium, startServer } from './harness.ts';
import type { WorkerRun } from './pages/features-worker.ts';

let server: ViteDevServer;
let origin: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const requests: string[] = [];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function runInWorker(bytes: Uint8Array, opts: { lld?: boolean } = {}): Promise<WorkerRun> {
  return page.evaluate(
    ([b, o]) => (globalThis as unknown as { runFeatureWorker(b: number[], o: unknown): Promise<WorkerRun> }).runFeatureWorker(b, o),
    [Array.from(bytes), opts] as const,
  );
}

/** Browser worker vs Node, same bytes: audio, log-Mel and LLDs within 1e-4. */
async function expectSameAsNode(bytes: Uint8Array): Promise<WorkerRun> {
  const r = await runInWorker(bytes);
  expect(r.message).toBeUndefined();
  expect(r.ok).toBe(true);
  expect(r.inputDetached).toBe(true);
  const audio = await loadAudio(bytes);
  const f = new FeatureExtractor().extract(audio);
  const diffs = { audio: maxAbsDiff(r.audio!, audio), logmel: maxAbsDiff(r.logmel!, f.logmel), lld: maxAbsDiff(r.lld!, f.lld) };
  console.log(`browser vs Node max |diff|: ${JSON.stringify(diffs)} (${f.logmelFrames} log-Mel, ${f.lldFrames} LLD frames, ${r.ms!.toFixed(0)} ms in the worker)`);
  expect(diffs.audio).toBeLessThanOrEqual(1e-6);
  expect(r.logmelFrames).toBe(f.logmelFrames);
  expect(r.lldFrames).toBe(f.lldFrames);
  expect(r.durationSec).toBeCloseTo(f.durationSec, 9);
  expect(maxAbsDiff(r.logmel!, f.logmel)).toBeLessThanOrEqual(1e-4);
  expect(maxAbsDiff(r.lld!, f.lld)).toBeLessThanOrEqual(1e-4);
  return r;
}

beforeAll(async () => {
  ({ server, url: origin } = await startServer());
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('feature worker in Chromium', () => {
  it('the demo page loads without errors', async () => {
    const res = await page.goto(`${origin}/`);
    expect(res?.status()).toBe(200);
    await expect(page.title()).resolves.toMatch(/msir/);
    await page.waitForLoadState('load');
    await expect(page.locator('h1').first().textContent()).resolves.toMatch(/msir/);
    await page.waitForTimeout(1000); // let the demo's module scripts run: late errors count too
    expect(pageErrors).toEqual([]);
  });

  it('the worker starts in the page and answers', async () => {
    await page.goto(`${origin}/tests/e2e/pages/features-worker.html`);
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready', null, { timeout: 120_000 });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });

  it('a reference WAV: same audio and features as Node within 1e-4', async () => {
    await expectSameAsNode(readFileSync(join(REFERENCE, 'real/wav/03a01Wa.wav')));
  });

  it('a RAVDESS FLAC decoded in the browser: same as Node within 1e-4', async () => {
    await expectSameAsNode(readFileSync(resolve(SHARED, 'corpora/ravdess/audio/Actor_01/03-01-05-01-01-01-01.flac')));
  });

  it('44.1 kHz stereo WAV resampled in the browser: same as Node within 1e-4', async () => {
    const mono = await loadAudio(readFileSync(join(REFERENCE, 'synthetic/wav/utt1_p30_s120.wav')));
    // Upsample in Node to make a 44.1 kHz file, then let both sides bring it back to 16 kHz.
    const { resample } = await import('../../src/audio/resample.ts');
    const up = await resample(mono, 16000, 44100);
    const bytes = encodeWav([up, up.map((v) => v * 0.5)], { sampleRate: 44100, encoding: 'int', bitsPerSample: 24 });
    await expectSameAsNode(bytes);
  });

  it('bad input comes back as a typed error, and the worker keeps answering', async () => {
    const r = await runInWorker(new TextEncoder().encode('definitely not a wav or flac file'));
    expect(r.ok).toBe(false);
    expect(r.code).toBe('unsupported-format');
    expect(r.isAudioError).toBe(true);
    expect(r.message).toMatch(/unrecognised audio format/);
    const short = await runInWorker(encodeWav([new Float32Array(500)], { sampleRate: 16000, encoding: 'int', bitsPerSample: 16 }));
    expect(short.code).toBe('too-short');
    const again = await runInWorker(readFileSync(join(REFERENCE, 'synthetic/wav/tone220_harm.wav')), { lld: false });
    expect(again.ok).toBe(true);
    expect(again.lldFrames).toBe(0);
    expect(again.logmelFrames).toBe(99);
  });

  it('no request left the page origin', () => {
    const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(foreign).toEqual([]);
  });
});
