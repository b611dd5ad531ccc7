// Privacy: during a live session (fake microphone playing real speech) and a file drop, every request
// the page and its worker make stays on the page's origin, and none carries a body (so no audio).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Browser } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { launchChromium, startServer } from './harness.ts';
import { ANGRY_CLIP, RAVDESS, fakeMicFlags, makeFakeMic, waitReady, type FakeMic } from './demo-helpers.ts';

const MODEL = process.env['MSIR_E2E_MODEL'] ?? '/models/msir-default/';

interface Seen {
  side: 'browser' | 'server';
  method: string;
  url: string;
  bodyBytes: number;
}

let server: ViteDevServer;
let url: string;
let browser: Browser;
let mic: FakeMic;
const seen: Seen[] = [];

beforeAll(async () => {
  mic = await makeFakeMic([ANGRY_CLIP]);
  ({ server, url } = await startServer());
  // First in the stack, so it sees every request, including those Vite answers itself.
  server.middlewares.stack.unshift({
    route: '',
    handle: (req: IncomingMessage, _res: unknown, next: () => void) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      const declared = Number(req.headers['content-length'] ?? 0);
      seen.push({ side: 'server', method: req.method ?? '?', url: req.url ?? '', bodyBytes: declared });
      req.on('end', () => {
        if (bytes) seen.push({ side: 'server', method: req.method ?? '?', url: req.url ?? '', bodyBytes: bytes });
      });
      next();
    },
  } as never);
  browser = await launchChromium(fakeMicFlags(mic.wav));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await mic?.cleanup();
});

describe('privacy', () => {
  it('no request leaves the origin and none carries audio', async () => {
    const context = await browser.newContext();
    context.on('request', (r) => seen.push({ side: 'browser', method: r.method(), url: r.url(), bodyBytes: r.postDataBuffer()?.length ?? 0 }));
    const sockets: string[] = [];
    const page = await context.newPage();
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`${url}/?model=${encodeURIComponent(MODEL)}`);
    await waitReady(page);
    await page.click('#start');
    await page.waitForFunction(() => (window as unknown as { msirDemo: { detections: unknown[] } }).msirDemo.detections.length >= 1, undefined, { timeout: 90_000 });
    // And a local file through the drop zone.
    const b64 = (await readFile(resolve(RAVDESS, ANGRY_CLIP))).toString('base64');
    await page.evaluate((data) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'clip.flac'));
      document.querySelector('#drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, b64);
    await page.waitForSelector('#file-result[data-probabilities]', { timeout: 60_000 });
    await page.click('#stop');
    await context.close();

    const origin = new URL(url).origin;
    const browserSide = seen.filter((s) => s.side === 'browser');
    // The log must include the worker's own fetches, or it would prove nothing about the worker.
    expect(browserSide.some((s) => /silero_vad_v5\.onnx/.test(s.url)), 'Silero model request seen').toBe(true);
    expect(browserSide.some((s) => /\.wasm(\?|$)/.test(s.url)), 'wasm request seen').toBe(true);
    expect(browserSide.some((s) => /manifest\.json/.test(s.url)), 'manifest request seen').toBe(true);
    for (const s of browserSide) {
      const u = new URL(s.url);
      if (u.protocol === 'data:' || u.protocol === 'blob:') continue;
      expect(u.origin, s.url).toBe(origin);
    }
    for (const s of seen) {
      expect(['GET', 'HEAD'], `${s.side} ${s.method} ${s.url}`).toContain(s.method);
      expect(s.bodyBytes, `${s.side} ${s.method} ${s.url}`).toBe(0);
      expect(s.url.length, 'no data smuggled in a URL').toBeLessThan(2048);
    }
    for (const w of sockets) expect(new URL(w).host).toBe(new URL(url).host);
  });
});
