// The production build (vite build + vite preview, minified, cross-origin isolated) of eval.html and
// examples/widget.html: minification and asset handling must not break the workers.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, ROOT } from './harness.ts';
import { buildIemocapFixture, type IemocapFixture } from './eval-page-fixture.ts';

const MODEL_DIR = path.resolve(ROOT, process.env.MSIR_EVAL_TEST_MODEL ?? 'public/models/msir-default');
const MODEL_URL = `/models/${path.basename(MODEL_DIR)}/`;

let tmp: string;
let fixture: IemocapFixture;
let server: PreviewServer;
let url: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(MODEL_DIR, 'manifest.json'))) throw new Error(`no model at ${MODEL_DIR}: this test needs the shipped default model`);
  tmp = mkdtempSync(path.join(tmpdir(), 'msir-prod-'));
  fixture = buildIemocapFixture(path.join(tmp, 'corpus'), 1);
  const outDir = path.join(tmp, 'dist');
  const configFile = path.join(ROOT, 'vite.config.ts');
  await build({ root: ROOT, configFile, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  server = await preview({ root: ROOT, configFile, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  url = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
  const mic = path.join(tmp, 'mic.wav');
  execFileSync('sox', [path.resolve(ROOT, '../shared/corpora/ravdess/audio/Actor_21/03-01-05-02-01-01-21.flac'), '-r', '48000', '-b', '16', mic, 'pad', '1', '1']);
  browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${mic}`]);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.httpServer.close(r));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('production build', () => {
  it('eval.html evaluates a folder', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/eval.html?model=${encodeURIComponent(MODEL_URL)}&workers=1`);
    await page.setInputFiles('#folder-input', fixture.root);
    await page.waitForSelector('#dataset:not([hidden])');
    await page.click('#run');
    await page.waitForSelector('body[data-results="ready"]', { timeout: 180_000 });
    expect(await page.$eval('#summary-table tr[data-latest] td[data-metric="n"]', (c) => Number((c as HTMLElement).dataset.value))).toBe(fixture.scored.length);
    expect(await page.textContent('#clip-errors .n')).toBe('1');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('examples/widget.html detects from the microphone', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/examples/widget.html`);
    await page.evaluate(() => customElements.whenDefined('msir-detector'));
    const result = await page.evaluate(async (model) => {
      const el = document.getElementById('compact') as HTMLElement & { start(): Promise<void>; stop(): void };
      el.setAttribute('model', model);
      const errors: string[] = [];
      el.addEventListener('error', (e) => errors.push((e as unknown as CustomEvent<{ message: string }>).detail.message));
      const first = new Promise<boolean>((resolve) => el.addEventListener('detection', () => resolve(true), { once: true }));
      await el.start();
      const got = await Promise.race([first, new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))]);
      el.stop();
      return { got, errors };
    }, MODEL_URL);
    expect(result).toEqual({ got: true, errors: [] });
    await page.close();
  });
});
