// Shared e2e harness: a Vite dev server on a free loopback port and Debian's Chromium via playwright-core.
import { createServer, type ViteDevServer } from 'vite';
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, offline headless Chromium (no background traffic on a closed network). */
export const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function startServer(): Promise<{ server: ViteDevServer; url: string }> {
  const server = await createServer({
    root: ROOT,
    configFile: resolve(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('vite server has no TCP address');
  return { server, url: `http://127.0.0.1:${address.port}` };
}

export async function launchChromium(extraArgs: string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...QUIET_FLAGS, ...extraArgs],
    ...options,
  });
}

/** A dev server, Chromium and one page opened on a same-origin document, for tests that import the
 *  project's modules into the page. `pageErrors` collects uncaught page errors; `close` tears all down. */
export interface PageSession {
  page: Page;
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openPageSession(documentPath: string): Promise<PageSession> {
  const { server, url } = await startServer();
  const browser = await launchChromium();
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${url}${documentPath}`);
  return {
    page,
    pageErrors,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
