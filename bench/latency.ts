// `npm run bench:latency`: the in-page detector's speed goals, each beside its anchor in the same run, in
// headless Chromium on the production build (vite build + vite preview, cross-origin isolated), WASM
// backend, default model (whatever its branches: printed with the figures).
//  A. detect() on exactly 4.5 s of real speech, main thread → worker (features + model) → main thread.
//     Anchor: the same page with ?runner=layers (the exported tf.layers model, how inference ran before
//     the graph runner); the two pages alternate run by run, so both see the same machine load.
//  B. live utterance mode (fake microphone playing speech between silences): from the moment the
//     utterance's last sample (end of speech + 96 ms tail) reached the worker to the provisional result
//     (shown as speech pauses) and to the confirmed detection (after the VAD's 480 ms hangover).
//  C. live continuous mode: detections per second at the main thread (default hop).
//  D. cold start: navigation → detector ready (first result possible), fresh browser context, and the
//     bytes fetched on the way (model folder, and everything).
// Options: --model URL (default /models/msir-default/), --backend (wasm), --threads N, --runs N (20),
// --continuous-sec S (20), --dev (Vite dev server instead of the production build), --detect-only (part A
// alone, printed, no JSON: for iterating on detect()), --json FILE.
// The machine may be shared: the load average is printed with the figures.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { build, preview } from 'vite';
import { readAudioFile } from '../src/audio/node.ts';
import { ROOT, launchChromium, startServer } from '../tests/e2e/harness.ts';
import { RAVDESS, fakeMicFlags, makeFakeMic, waitReady } from '../tests/e2e/demo-helpers.ts';

const { values: opts } = parseArgs({
  options: {
    model: { type: 'string', default: '/models/msir-default/' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string' },
    runs: { type: 'string', default: '20' },
    'continuous-sec': { type: 'string', default: '20' },
    dev: { type: 'boolean', default: false },
    'detect-only': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const RUNS = Number(opts.runs);
const CONT_SEC = Number(opts['continuous-sec']);
/** Angry, strong, test split; 4.805 s long, cut to 4.5 s. */
const CLIP = 'audio/Actor_19/03-01-05-02-01-02-19.flac';
const UTTERANCE_SEC = 4.5;

export type Stats = { n: number; min: number; median: number; p90: number; max: number; mean: number };
const stats = (xs: number[]): Stats => {
  if (xs.length === 0) return { n: 0, min: NaN, median: NaN, p90: NaN, max: NaN, mean: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))]!;
  return { n: s.length, min: s[0]!, median: q(0.5), p90: q(0.9), max: s.at(-1)!, mean: s.reduce((a, b) => a + b, 0) / s.length };
};
const fmt = (o: Stats) => `median ${o.median.toFixed(1)} ms, p90 ${o.p90.toFixed(1)}, min ${o.min.toFixed(1)}, max ${o.max.toFixed(1)} (n=${o.n})`;

/** Bytes of every file under `dir`. */
function folderBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) total += e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return total;
}

type Win = {
  msirDemo: {
    detector: { info: { backend: string; wasmThreads?: number; manifest: { name: string; branches: string[] } }; detect(a: Float32Array, r: number): Promise<{ timings: Record<string, number> }> };
    detections: Array<{ latencyMs: number; receivedAt: number; start: number; end: number }>;
    provisional: Array<{ latencyMs: number; receivedAt: number; start: number; end: number }>;
    readyAt: number | null;
  };
};

const full = await readAudioFile(resolve(RAVDESS, CLIP));
const utterance = full.slice(0, Math.round(UTTERANCE_SEC * 16000));
const load0 = loadavg()[0]!;

// The server: production build by default (what users load), or the dev server.
let url: string;
let closeServer: () => Promise<void>;
let outDir: string | null = null;
if (opts.dev) {
  const s = await startServer();
  url = s.url;
  closeServer = () => s.server.close();
} else {
  outDir = mkdtempSync(join(tmpdir(), 'msir-bench-'));
  const configFile = resolve(ROOT, 'vite.config.ts');
  await build({ root: ROOT, configFile, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await preview({ root: ROOT, configFile, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no TCP address');
  url = `http://127.0.0.1:${address.port}`;
  closeServer = () => new Promise<void>((res) => server.httpServer.close(() => res()));
}

const mic = await makeFakeMic([CLIP], 1.5);
const browser = await launchChromium(fakeMicFlags(mic.wav));
const pageUrl = (runner?: string) => `${url}/?backend=${opts.backend}${opts.threads ? `&threads=${opts.threads}` : ''}${runner ? `&runner=${runner}` : ''}&model=${encodeURIComponent(opts.model!)}`;

/** D. Cold start in a fresh context (empty cache): navigation → ready, and the bytes fetched. */
async function coldStart(): Promise<{ readyMs: number; modelBytes: number; totalBytes: number; requests: number }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  let modelBytes = 0;
  let totalBytes = 0;
  let requests = 0;
  // Worker requests are reported to the page in Chromium; sizes are the bodies as transferred.
  page.on('requestfinished', (req) => {
    void req.sizes().then((s) => {
      requests++;
      totalBytes += s.responseBodySize;
      if (new URL(req.url()).pathname.startsWith('/models/')) modelBytes += s.responseBodySize;
    }, () => undefined);
  });
  await page.goto(pageUrl());
  await waitReady(page);
  const readyMs = await page.evaluate(() => (window as unknown as Win).msirDemo.readyAt ?? NaN);
  await page.waitForTimeout(500); // let the last size callbacks land
  await context.close();
  return { readyMs, modelBytes, totalBytes, requests };
}

async function openDemo(runner?: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(pageUrl(runner));
  await waitReady(page);
  return page;
}

async function detectOnce(page: Page): Promise<{ total: number; featuresMs: number; modelMs: number }> {
  return page.evaluate(async (samples) => {
    const det = (window as unknown as Win).msirDemo.detector;
    const audio = Float32Array.from(samples);
    const t0 = performance.now();
    const d = await det.detect(audio, 16000);
    return { total: performance.now() - t0, featuresMs: d.timings['featuresMs']!, modelMs: d.timings['modelMs']! };
  }, Array.from(utterance));
}

try {
  const cold = opts['detect-only'] ? null : await coldStart();
  const page = await openDemo();
  const anchor = await openDemo('layers');
  const info = await page.evaluate(() => {
    const d = (window as unknown as Win).msirDemo.detector.info;
    return { backend: d.backend, threads: d.wasmThreads, model: d.manifest.name, branches: d.manifest.branches };
  });

  // A. detect() round trips, alternating with the anchor page.
  for (let i = 0; i < 3; i++) {
    await detectOnce(page);
    await detectOnce(anchor);
  }
  const a: Array<Awaited<ReturnType<typeof detectOnce>>> = [];
  const aAnchor: Array<Awaited<ReturnType<typeof detectOnce>>> = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(await detectOnce(page));
    aAnchor.push(await detectOnce(anchor));
  }
  await anchor.close();
  if (opts['detect-only']) {
    const t = (xs: Array<Awaited<ReturnType<typeof detectOnce>>>, k: 'total' | 'featuresMs' | 'modelMs') => fmt(stats(xs.map((r) => r[k])));
    console.log(`machine: ${availableParallelism()} cores, load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} (shared); model ${info.model}, backend ${info.backend}, ${opts.dev ? 'dev server' : 'production build'}`);
    console.log(`A. detect() on ${UTTERANCE_SEC} s: ${t(a, 'total')}\n   features ${t(a, 'featuresMs')}\n   model ${t(a, 'modelMs')}\n   anchor (runner=layers) ${t(aAnchor, 'total')}`);
  } else {

  // B. live utterance mode.
  await page.selectOption('#mode', 'utterance');
  await page.click('#start');
  const wantUtterances = 4;
  await page.waitForFunction((n) => (window as unknown as Win).msirDemo.detections.length >= n, wantUtterances, { timeout: (mic.durationSec * wantUtterances + 60) * 1000, polling: 200 });
  const b = await page.evaluate(() => {
    const h = (window as unknown as Win).msirDemo;
    return { final: h.detections.map((d) => ({ latencyMs: d.latencyMs, len: d.end - d.start })), provisional: h.provisional.map((d) => ({ latencyMs: d.latencyMs })) };
  });
  await page.click('#stop');

  // C. continuous mode update rate.
  await page.evaluate(() => ((window as unknown as Win).msirDemo.detections.length = 0));
  await page.selectOption('#mode', 'continuous');
  await page.click('#start');
  await page.waitForFunction(() => (window as unknown as Win).msirDemo.detections.length >= 1, undefined, { timeout: 60_000 });
  await page.waitForTimeout(CONT_SEC * 1000);
  const c = await page.evaluate(() => (window as unknown as Win).msirDemo.detections.map((d) => ({ at: d.receivedAt, latencyMs: d.latencyMs })));
  await page.click('#stop');

  const detect = { total: stats(a.map((r) => r.total)), features: stats(a.map((r) => r.featuresMs)), model: stats(a.map((r) => r.modelMs)) };
  const detectAnchor = { total: stats(aAnchor.map((r) => r.total)), features: stats(aAnchor.map((r) => r.featuresMs)), model: stats(aAnchor.map((r) => r.modelMs)) };
  const provisional = stats(b.provisional.map((r) => r.latencyMs));
  const final = stats(b.final.map((r) => r.latencyMs));
  const intervals = c.slice(1).map((x, i) => (x.at - c[i]!.at) / 1000);
  const span = (c.at(-1)!.at - c[0]!.at) / 1000;
  const rate = (c.length - 1) / span;
  const contLatency = stats(c.map((x) => x.latencyMs));
  const load1 = loadavg()[0]!;
  const modelPath = resolve(ROOT, 'public', opts.model!.replace(/^\//, ''));
  const diskBytes = folderBytes(modelPath);

  const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
  console.log(`machine: ${availableParallelism()} cores, load average ${load0.toFixed(1)} → ${load1.toFixed(1)} (shared)`);
  console.log(`model ${info.model} (${info.branches.join('+')}), backend ${info.backend}${info.threads ? ` (${info.threads} thread${info.threads > 1 ? 's' : ''})` : ''}, headless Chromium, ${opts.dev ? 'Vite dev server' : 'production build'}`);
  console.log(`A. detect() on a ${UTTERANCE_SEC} s utterance, end-to-end from the main thread (goal ≤ 60 ms): ${fmt(detect.total)}`);
  console.log(`   of which features: ${fmt(detect.features)}`);
  console.log(`   of which model:    ${fmt(detect.model)}`);
  console.log(`   anchor, same run (runner=layers, the exported layers model): ${fmt(detectAnchor.total)}; model ${fmt(detectAnchor.model)}`);
  console.log(`B. live utterance mode, last sample of the utterance in the worker → result (goal ≤ 300 ms):`);
  console.log(`   provisional (as speech pauses): ${fmt(provisional)}`);
  console.log(`   confirmed (after the VAD's 480 ms hangover): ${fmt(final)}; utterance lengths ${b.final.map((r) => r.len.toFixed(2)).join(', ')} s`);
  console.log(`C. continuous mode (3 s window, default hop; goal ≥ 2 updates/s): ${rate.toFixed(2)} updates/s over ${span.toFixed(1)} s, mean interval ${(intervals.reduce((s, v) => s + v, 0) / intervals.length).toFixed(3)} s, max ${Math.max(...intervals).toFixed(3)} s; window → result ${fmt(contLatency)}`);
  console.log(`D. cold start, fresh context: navigation → detector ready ${cold!.readyMs.toFixed(0)} ms; fetched ${mb(cold!.totalBytes)} in ${cold!.requests} requests, of which the model ${mb(cold!.modelBytes)} (model folder on disk ${mb(diskBytes)})`);
  if (opts.json) {
    await writeFile(
      opts.json,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          cores: availableParallelism(),
          loadavg: [load0, load1],
          server: opts.dev ? 'dev' : 'production',
          info,
          utteranceSec: UTTERANCE_SEC,
          detect,
          detectAnchor,
          live: { provisional, final, lengths: b.final.map((r) => r.len) },
          continuous: { rate, span, intervals, latency: contLatency },
          coldStart: { ...cold, modelDiskBytes: diskBytes },
        },
        null,
        2,
      ),
    );
  }
  }
} finally {
  await browser.close();
  await closeServer();
  await mic.cleanup();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
}
