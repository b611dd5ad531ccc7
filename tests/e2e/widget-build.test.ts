// The library build of the widget (vite.widget.config.ts, dist/lib/msir-widget.js) used the way a third party would: one
// <script type="module"> on a plain page served by a bare static server (no Vite), with a fake
// microphone. It must render, start, and emit detections, loading everything from that origin.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, ROOT } from './harness.ts';

const MODEL_DIR = path.resolve(ROOT, process.env.MSIR_WIDGET_TEST_MODEL ?? 'public/models/msir-default');
const MODEL_NAME = path.basename(MODEL_DIR);
const CLIP = path.resolve(ROOT, '../shared/corpora/ravdess/audio/Actor_21/03-01-05-02-01-01-21.flac');

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>plain page</title>
<style>* { color: red !important; font: italic 30px serif !important; letter-spacing: 4px; } div, span, li { border: 4px solid lime; }</style>
</head><body>
<h1>Someone else's page</h1>
<msir-detector id="w" model="/models/${MODEL_NAME}/" mode="continuous" emotions="happy,sad,angry"></msir-detector>
<script type="module" src="/widget/msir-widget.js"></script>
</body></html>`;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.html': 'text/html',
  '.bin': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
};

let tmp: string;
let out: string;
let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(MODEL_DIR, 'manifest.json'))) throw new Error(`no model at ${MODEL_DIR}: the widget build test needs the shipped default model`);
  tmp = mkdtempSync(path.join(tmpdir(), 'msir-widget-build-'));
  out = path.join(tmp, 'widget');
  await build({ configFile: path.join(ROOT, 'vite.widget.config.ts'), root: ROOT, logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  const mic = path.join(tmp, 'mic.wav');
  execFileSync('sox', [CLIP, '-r', '48000', '-b', '16', mic, 'pad', '1', '1']);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let file: string | null = null;
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    if (url.pathname.startsWith('/widget/')) file = path.join(out, url.pathname.slice('/widget/'.length));
    else if (url.pathname.startsWith(`/models/${MODEL_NAME}/`)) file = path.join(MODEL_DIR, url.pathname.slice(`/models/${MODEL_NAME}/`.length));
    if (!file || !file.startsWith(tmp) && !file.startsWith(MODEL_DIR) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  origin = `http://127.0.0.1:${address.port}`;
  browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${mic}`]);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('widget library build (dist/lib/msir-widget.js)', () => {
  it('is one small entry module; wasm binaries are files, not base64 inside JavaScript', () => {
    const entry = statSync(path.join(out, 'msir-widget.js')).size;
    expect(entry).toBeLessThan(50_000);
    const src = readFileSync(path.join(out, 'msir-widget.js'), 'utf8');
    expect(src).toMatch(/customElements\.define\("msir-detector"/);
    expect(src).not.toMatch(/data:application\/wasm;base64/);
  });

  it('works from one script tag on a plain page, served without Vite', async () => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    const failed: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${origin}/`);
    await page.evaluate(() => customElements.whenDefined('msir-detector'));
    expect(await page.evaluate(() => document.getElementById('w')!.shadowRoot!.querySelectorAll('li.emotion').length)).toBe(3);
    await page.click('#w button.toggle'); // Playwright's CSS pierces the open shadow root
    const n = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const el = document.getElementById('w')!;
          let count = 0;
          el.addEventListener('error', (e) => reject(new Error((e as unknown as CustomEvent<{ message: string }>).detail.message)));
          el.addEventListener('detection', () => {
            if (++count === 2) resolve(count);
          });
        }),
    );
    expect(n).toBe(2);
    expect(await page.evaluate(() => document.getElementById('w')!.shadowRoot!.querySelector('.rec-text')!.textContent)).toBe('Recording');
    expect(foreign).toEqual([]);
    expect(failed).toEqual([]);
    await page.close();
  });
});
