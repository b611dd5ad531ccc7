// Soak: a continuous-mode session on the fake microphone (real speech, looping) must keep the worker's
// tf.memory().numTensors and the JS heap flat. Short in CI (MSIR_SOAK_SEC, default 30 s); the full
// 30-minute run: MSIR_SOAK_MINUTES=30 npx vitest run --project e2e tests/e2e/soak.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { launchChromium, startServer } from './harness.ts';
import { ANGRY_CLIP, NEUTRAL_CLIP, fakeMicFlags, makeFakeMic, waitReady, type FakeMic } from './demo-helpers.ts';

const MODEL = process.env['MSIR_E2E_MODEL'] ?? '/models/msir-default/';
const SOAK_SEC = process.env['MSIR_SOAK_MINUTES'] ? Number(process.env['MSIR_SOAK_MINUTES']) * 60 : Number(process.env['MSIR_SOAK_SEC'] ?? 30);
const SAMPLE_EVERY_SEC = SOAK_SEC > 300 ? 30 : 5;

let server: ViteDevServer;
let url: string;
let browser: Browser;
let mic: FakeMic;

beforeAll(async () => {
  mic = await makeFakeMic([ANGRY_CLIP, NEUTRAL_CLIP]);
  ({ server, url } = await startServer());
  browser = await launchChromium([...fakeMicFlags(mic.wav), '--js-flags=--expose-gc', '--enable-blink-features=ForceEagerMeasureMemory']);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await mic?.cleanup();
});

interface Sample {
  t: number;
  numTensors: number;
  numBytes: number;
  workerHeap: number | null;
  pageHeap: number;
  detections: number;
}

function slopePerMin(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den ? (num / den) * 60 : 0;
}

describe(`soak (${SOAK_SEC} s continuous session)`, () => {
  it('keeps tensors and heap flat', { timeout: (SOAK_SEC + 300) * 1000 }, async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/?model=${encodeURIComponent(MODEL)}`);
    await waitReady(page);
    await page.selectOption('#mode', 'continuous');
    await page.click('#start');
    await page.waitForFunction(() => (window as unknown as { msirDemo: { detections: unknown[] } }).msirDemo.detections.length >= 2, undefined, { timeout: 90_000 });
    const samples: Sample[] = [];
    const t0 = Date.now();
    for (;;) {
      const s = await page.evaluate(async () => {
        const h = (window as unknown as { msirDemo: { detector: { stats(): Promise<{ numTensors: number; numBytes: number; heapBytes: number | null; detections: number }> } } }).msirDemo;
        const st = await h.detector.stats();
        (globalThis as { gc?: () => void }).gc?.();
        const mem = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
        // The worker's heap: performance.memory does not exist in workers; the cross-origin-isolated
        // page can measure every context it owns, attributed by scope.
        type Breakdown = { bytes: number; attribution: Array<{ scope: string }> };
        const measure = (performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ breakdown: Breakdown[] }> }).measureUserAgentSpecificMemory;
        let workerHeap = st.heapBytes;
        if (workerHeap === null && measure && crossOriginIsolated) {
          const r = await measure.call(performance);
          workerHeap = r.breakdown.filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')).reduce((a, b) => a + b.bytes, 0);
        }
        return { numTensors: st.numTensors, numBytes: st.numBytes, workerHeap, pageHeap: mem?.usedJSHeapSize ?? 0, detections: st.detections };
      });
      samples.push({ t: (Date.now() - t0) / 1000, ...s });
      if (Date.now() - t0 >= SOAK_SEC * 1000) break;
      await page.waitForTimeout(SAMPLE_EVERY_SEC * 1000);
    }
    await page.click('#stop');
    await page.close();
    const mb = (b: number | null): string => (b === null ? 'n/a' : (b / 2 ** 20).toFixed(2));
    console.log(
      `soak ${SOAK_SEC}s: ${samples.length} samples; tensors ${samples.map((s) => s.numTensors).join(',')}; ` +
        `worker heap MB ${samples.map((s) => mb(s.workerHeap)).join(',')}; page heap MB ${samples.map((s) => mb(s.pageHeap)).join(',')}; ` +
        `detections ${samples.at(-1)!.detections - samples[0]!.detections} in ${samples.at(-1)!.t.toFixed(0)} s`,
    );
    // Tensors: exactly the model's, every time.
    for (const s of samples) {
      expect(s.numTensors).toBe(samples[0]!.numTensors);
      expect(s.numBytes).toBe(samples[0]!.numBytes);
    }
    // Detections kept coming (≥ 1 per second).
    const elapsed = samples.at(-1)!.t - samples[0]!.t;
    expect(samples.at(-1)!.detections - samples[0]!.detections).toBeGreaterThanOrEqual(Math.floor(elapsed * 0.95));
    // Heaps: no trend. Short runs allow a few MB of noise; long runs bound the slope.
    const ts = samples.map((s) => s.t);
    for (const key of ['workerHeap', 'pageHeap'] as const) {
      const ys = samples.map((s) => s[key]);
      if (ys.some((y) => y === null || y === 0)) continue;
      const v = ys as number[];
      const growth = v.at(-1)! - Math.min(...v.slice(0, Math.ceil(v.length / 2)));
      expect(growth / 2 ** 20, `${key} growth MB`).toBeLessThan(SOAK_SEC > 300 ? 16 : 8);
      if (SOAK_SEC > 300) expect(slopePerMin(ts, v) / 2 ** 20, `${key} MB/min`).toBeLessThan(0.25);
    }
    expect(samples.some((s) => s.workerHeap !== null) || samples.some((s) => s.pageHeap > 0)).toBe(true);
  });
});
