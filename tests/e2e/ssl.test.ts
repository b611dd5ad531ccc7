// wav2vec2 in headless Chromium through the real transformers.js + onnxruntime-web path, WASM and WebGPU
// (SwiftShader here: correctness only, never timed), with every request checked to stay on the page's origin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { launchChromium, startServer } from './harness.ts';
import type { PageRun } from './ssl-page.ts';
import { Wav2Vec2Encoder } from '../../src/ssl/encoder.ts';
import { readTinyReference, synthesizeWav2Vec2 } from '../ssl/synthesize.ts';

// SwiftShader's Vulkan gives headless Chromium a (software) WebGPU adapter.
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader'];

let server: ViteDevServer;
let origin: string;
let browser: Browser;
let page: Page;
const requests: string[] = [];
let ref: Awaited<ReturnType<typeof readTinyReference>>;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function run(opts: { model: string; device?: string; dtype?: string }, audio: ArrayLike<number>): Promise<PageRun> {
  return page.evaluate(
    ([o, a]) => (globalThis as unknown as { runSsl(o: unknown, a: number[]): Promise<PageRun> }).runSsl(o, a),
    [opts, Array.from(audio)] as const,
  );
}

beforeAll(async () => {
  ref = await readTinyReference();
  await synthesizeWav2Vec2('w768-small');
  ({ server, url: origin } = await startServer());
  browser = await launchChromium(WEBGPU_FLAGS);
  page = await browser.newPage();
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${origin}/tests/e2e/ssl-page.html`);
  await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready', null, { timeout: 240_000 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('wav2vec2 encoder in Chromium', () => {
  it('WASM: tiny fixture matches the PyTorch reference within 1e-4', async () => {
    const r = await run({ model: '/tests/fixtures/wav2vec2-tiny', device: 'wasm' }, ref.input);
    expect(r.message).toBeUndefined();
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.info).toMatchObject({ name: 'wav2vec2-tiny', hiddenSize: 32, device: 'wasm', dtype: 'fp32' });
    expect([r.frames, r.hidden]).toEqual([ref.frames, ref.hidden]);
    expect(maxAbsDiff(r.data!, ref.output)).toBeLessThan(1e-4);
  });

  it('WebGPU (SwiftShader): tiny fixture matches the reference within 1e-4', async () => {
    const gpu = await page.evaluate(() => (globalThis as unknown as { gpuInfo(): Promise<{ adapter: boolean }> }).gpuInfo());
    expect(gpu.adapter, 'Chromium exposed no WebGPU adapter with ' + WEBGPU_FLAGS.join(' ')).toBe(true);
    const r = await run({ model: '/tests/fixtures/wav2vec2-tiny', device: 'webgpu' }, ref.input);
    expect(r.message).toBeUndefined();
    expect(r.info).toMatchObject({ device: 'webgpu', dtype: 'fp32' });
    expect(maxAbsDiff(r.data!, ref.output)).toBeLessThan(1e-4);
    // device 'auto' picks WebGPU when an adapter exists
    const auto = await run({ model: '/tests/fixtures/wav2vec2-tiny' }, ref.input.subarray(0, 4000));
    expect(auto.info?.device).toBe('webgpu');
  });

  it('in a module Web Worker (where the detector runs it): WASM matches the reference, typed errors cross', async () => {
    const inWorker = (opts: { model: string; device?: string }, audio: ArrayLike<number>) =>
      page.evaluate(
        ([o, a]) => (globalThis as unknown as { runSslInWorker(o: unknown, a: number[]): Promise<PageRun> }).runSslInWorker(o, a),
        [opts, Array.from(audio)] as const,
      );
    const r = await inWorker({ model: '/tests/fixtures/wav2vec2-tiny', device: 'wasm' }, ref.input);
    expect(r.message).toBeUndefined();
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.info).toMatchObject({ device: 'wasm', dtype: 'fp32' });
    expect(maxAbsDiff(r.data!, ref.output)).toBeLessThan(1e-4);
    const missing = await inWorker({ model: '/models/no-such-wav2vec2', device: 'wasm' }, ref.input);
    expect([missing.ok, missing.code]).toEqual([false, 'model-missing']);
  });

  it('768-wide generated model: browser WASM equals Node onnxruntime-node', async () => {
    const audio = new Float32Array(24000).map((_, i) => 0.3 * Math.sin(i * 0.021) * Math.sin(i * 0.0007) + 0.02 * Math.sin(i * 1.3));
    const node = await Wav2Vec2Encoder.load({ model: '.cache/msir-wav2vec2/w768-small' });
    const expected = await node.encode(audio);
    await node.dispose();
    const r = await run({ model: '/.cache/msir-wav2vec2/w768-small', device: 'wasm' }, audio);
    expect(r.message).toBeUndefined();
    expect([r.frames, r.hidden]).toEqual([74, 768]);
    expect(r.info?.sha256).toBe(node.info.sha256);
    expect(maxAbsDiff(r.data!, expected.data)).toBeLessThan(1e-4);
  });

  it('refuses a CTC export, a missing folder and a cross-origin model with typed errors', async () => {
    const ctc = await run({ model: '/tests/fixtures/wav2vec2-tiny-ctc', device: 'wasm' }, ref.input);
    expect([ctc.ok, ctc.code]).toEqual([false, 'ctc-export']);
    expect(ctc.message).toMatch(/outputs "logits"/);
    const missing = await run({ model: '/models/no-such-wav2vec2', device: 'wasm' }, ref.input);
    expect([missing.ok, missing.code]).toEqual([false, 'model-missing']);
    expect(missing.message).toMatch(/no-such-wav2vec2\/config\.json is missing/);
    const remote = await run({ model: 'https://huggingface.co/facebook/wav2vec2-base-960h', device: 'wasm' }, ref.input);
    expect([remote.ok, remote.code]).toEqual([false, 'model-missing']);
    expect(remote.message).toMatch(/not same-origin; remote loading is disabled/);
  });

  it('no request ever left the page origin (model files and the onnxruntime WASM are served by the app)', () => {
    const foreign = requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(foreign).toEqual([]);
    expect(requests.some((u) => /ort-wasm-simd-threaded\.asyncify\.wasm/.test(u))).toBe(true);
    expect(requests.some((u) => u.endsWith('/tests/fixtures/wav2vec2-tiny/onnx/model.onnx'))).toBe(true);
  });
});
