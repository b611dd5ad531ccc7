// The production build (vite build + vite preview), not just the dev server: onnxruntime-web's WASM runtime is
// emitted as the app's own asset and the encoder still matches the PyTorch reference with no foreign request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, preview, type InlineConfig, type PreviewServer } from 'vite';
import type { Browser } from 'playwright-core';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium, ROOT } from './harness.ts';
import type { PageRun } from './ssl-page.ts';
import { readTinyReference, TINY } from '../ssl/synthesize.ts';

let outDir: string;
let server: PreviewServer;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'msir-ssl-build-'));
  const config: InlineConfig = {
    root: ROOT,
    configFile: false,
    publicDir: false,
    logLevel: 'error',
    worker: { format: 'es' },
    preview: {
      host: '127.0.0.1',
      port: 0,
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    },
    build: { target: 'es2022', outDir, emptyOutDir: true, rollupOptions: { input: { ssl: resolve(ROOT, 'tests/e2e/ssl-page.html') } } },
  };
  await build(config);
  await cp(TINY, join(outDir, 'models/wav2vec2-tiny'), { recursive: true });
  server = await preview(config);
  const addr = server.httpServer.address();
  if (!addr || typeof addr === 'string') throw new Error('preview server has no port');
  origin = `http://127.0.0.1:${addr.port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.httpServer.close(() => r()) : r()));
  await rm(outDir, { recursive: true, force: true });
});

describe('wav2vec2 in the built app', () => {
  it('ships the onnxruntime WASM files as its own assets', async () => {
    const assets = await readdir(join(outDir, 'assets'));
    expect(assets.some((f) => /^ort-wasm-simd-threaded\.asyncify-.*\.wasm$/.test(f))).toBe(true);
    expect(assets.some((f) => /^ort-wasm-simd-threaded\.asyncify-.*\.mjs$/.test(f))).toBe(true);
  });

  it('loads the model from /models/, matches the reference, requests nothing off-origin', async () => {
    const ref = await readTinyReference();
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${origin}/tests/e2e/ssl-page.html`);
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready', null, { timeout: 120_000 });
    const r = await page.evaluate(
      ([a]) => (globalThis as unknown as { runSsl(o: unknown, a: number[]): Promise<PageRun> }).runSsl({ model: '/models/wav2vec2-tiny', device: 'wasm' }, a),
      [Array.from(ref.input)] as const,
    );
    expect(r.message).toBeUndefined();
    expect(r.crossOriginIsolated).toBe(true);
    let maxDiff = 0;
    r.data!.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - ref.output[i]!))));
    expect(maxDiff).toBeLessThan(1e-4);
    expect(requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
    // The encoder reads the weights once, hashes them and hands those very bytes to transformers.js.
    expect(requests.filter((u) => u === `${origin}/models/wav2vec2-tiny/onnx/model.onnx`)).toHaveLength(1);
    // Without --enable-unsafe-webgpu headless Chromium has no adapter: 'auto' must fall back to WASM.
    const auto = await page.evaluate(
      ([a]) => (globalThis as unknown as { runSsl(o: unknown, a: number[]): Promise<PageRun> }).runSsl({ model: '/models/wav2vec2-tiny' }, a),
      [Array.from(ref.input.subarray(0, 4000))] as const,
    );
    expect(auto.info?.device).toBe('wasm');
    expect(requests.some((u) => new RegExp(`^${origin}/assets/ort-wasm-simd-threaded\\.asyncify-.*\\.wasm$`).test(u))).toBe(true);
  });
});
