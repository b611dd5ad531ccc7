// `npm run bench:latency`: detection latency in headless Chromium (WASM backend) for a 4.5 s utterance
// with the default model (whatever its branches: they are printed with the figures; a speaker-normalised
// model's session statistics grow over the runs, their update counted in featuresMs), and the
// continuous-mode update rate. Three measurements:
//  A. detect(): main thread → worker (features + model) → main thread, on exactly 4.5 s of real speech;
//  B. live utterance mode (fake microphone playing that utterance between silences): from the moment the
//     utterance's last sample (end of speech + 96 ms tail pad) reached the worker to the detection. The
//     VAD needs 480 ms of non-speech to confirm an end; detection starts speculatively at the tail, so
//     this is about max(384 ms, compute) rather than their sum;
//  C. live continuous mode: detections per second at the main thread.
// Options: --model URL (default /models/msir-default/), --backend (default wasm), --threads N, --runs N (default 20), --continuous-sec S (20),
// --json FILE. The machine is shared: the load average is printed with the figures.
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readAudioFile } from '../src/audio/node.ts';
import { launchChromium, startServer } from '../tests/e2e/harness.ts';
import { RAVDESS, fakeMicFlags, makeFakeMic, waitReady } from '../tests/e2e/demo-helpers.ts';

const { values: opts } = parseArgs({
  options: {
    model: { type: 'string', default: '/models/msir-default/' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string' },
    runs: { type: 'string', default: '20' },
    'continuous-sec': { type: 'string', default: '20' },
    json: { type: 'string' },
  },
});
const RUNS = Number(opts.runs);
const CONT_SEC = Number(opts['continuous-sec']);
/** Angry, strong, test split; 4.805 s long, cut to 4.5 s. */
const CLIP = 'audio/Actor_19/03-01-05-02-01-02-19.flac';
const UTTERANCE_SEC = 4.5;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))]!;
  return { n: s.length, min: s[0]!, median: q(0.5), p90: q(0.9), max: s.at(-1)!, mean: s.reduce((a, b) => a + b, 0) / s.length };
};
const fmt = (o: ReturnType<typeof stats>) => `median ${o.median.toFixed(1)} ms, p90 ${o.p90.toFixed(1)}, min ${o.min.toFixed(1)}, max ${o.max.toFixed(1)} (n=${o.n})`;

const full = await readAudioFile(resolve(RAVDESS, CLIP));
const utterance = full.slice(0, Math.round(UTTERANCE_SEC * 16000));
const load0 = loadavg()[0]!;
const { server, url } = await startServer();
const mic = await makeFakeMic([CLIP], 1.5);
const browser = await launchChromium(fakeMicFlags(mic.wav));
const page = await browser.newPage();
const pageUrl = `${url}/?backend=${opts.backend}${opts.threads ? `&threads=${opts.threads}` : ''}&model=${encodeURIComponent(opts.model!)}`;
type Win = { msirDemo: { detector: { info: { backend: string; wasmThreads?: number; manifest: { name: string; branches: string[] } }; detect(a: Float32Array, r: number): Promise<{ timings: Record<string, number> }> }; detections: Array<{ latencyMs: number; receivedAt: number; start: number; end: number }> } };

try {
  await page.goto(pageUrl);
  await waitReady(page);
  const info = await page.evaluate(() => {
    const d = (window as unknown as Win).msirDemo.detector.info;
    return { backend: d.backend, threads: d.wasmThreads, model: d.manifest.name, branches: d.manifest.branches };
  });

  // A. detect() round trips.
  const a = await page.evaluate(
    async ({ samples, runs }) => {
      const det = (window as unknown as Win).msirDemo.detector;
      const audio = Float32Array.from(samples);
      for (let i = 0; i < 3; i++) await det.detect(audio, 16000);
      const out: Array<{ total: number; featuresMs: number; modelMs: number; sslMs: number }> = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const d = await det.detect(audio, 16000);
        out.push({ total: performance.now() - t0, featuresMs: d.timings['featuresMs']!, modelMs: d.timings['modelMs']!, sslMs: d.timings['sslMs']! });
      }
      return out;
    },
    { samples: Array.from(utterance), runs: RUNS },
  );

  // B. live utterance mode.
  await page.selectOption('#mode', 'utterance');
  await page.click('#start');
  const loopSec = mic.durationSec;
  const wantUtterances = 4;
  await page.waitForFunction((n) => (window as unknown as Win).msirDemo.detections.length >= n, wantUtterances, { timeout: (loopSec * wantUtterances + 60) * 1000, polling: 200 });
  const b = await page.evaluate(() => (window as unknown as Win).msirDemo.detections.map((d) => ({ latencyMs: d.latencyMs, len: d.end - d.start })));
  await page.click('#stop');

  // C. continuous mode update rate.
  await page.evaluate(() => ((window as unknown as Win).msirDemo.detections.length = 0));
  await page.selectOption('#mode', 'continuous');
  await page.click('#start');
  await page.waitForFunction(() => (window as unknown as Win).msirDemo.detections.length >= 1, undefined, { timeout: 60_000 });
  await page.waitForTimeout(CONT_SEC * 1000);
  const c = await page.evaluate(() => (window as unknown as Win).msirDemo.detections.map((d) => ({ at: d.receivedAt, latencyMs: d.latencyMs })));
  await page.click('#stop');

  const total = stats(a.map((r) => r.total));
  const feat = stats(a.map((r) => r.featuresMs));
  const model = stats(a.map((r) => r.modelMs));
  const live = stats(b.map((r) => r.latencyMs));
  const intervals = c.slice(1).map((x, i) => (x.at - c[i]!.at) / 1000);
  const span = (c.at(-1)!.at - c[0]!.at) / 1000;
  const rate = (c.length - 1) / span;
  const contLatency = stats(c.map((x) => x.latencyMs));
  const load1 = loadavg()[0]!;

  console.log(`machine: ${availableParallelism()} cores, load average ${load0.toFixed(1)} → ${load1.toFixed(1)} (shared)`);
  console.log(`model ${info.model} (${info.branches.join('+')}), backend ${info.backend}${info.threads ? ` (${info.threads} thread${info.threads > 1 ? 's' : ''})` : ''}, headless Chromium`);
  console.log(`A. detect() on a ${UTTERANCE_SEC} s utterance, end-to-end from the main thread: ${fmt(total)}`);
  console.log(`   of which features: ${fmt(feat)}`);
  console.log(`   of which model:    ${fmt(model)}`);
  console.log(`B. live utterance mode, last sample of the utterance in the worker → detection: ${fmt(live)}; utterance lengths ${b.map((r) => r.len.toFixed(2)).join(', ')} s`);
  console.log(`   (bounded below by the VAD hangover: 480 ms of non-speech confirm an end, 96 ms of it kept as the tail)`);
  console.log(`C. continuous mode (3 s window, 0.8 s hop): ${rate.toFixed(2)} updates/s over ${span.toFixed(1)} s, mean interval ${(intervals.reduce((s, v) => s + v, 0) / intervals.length).toFixed(3)} s, max ${Math.max(...intervals).toFixed(3)} s; window → result ${fmt(contLatency)}`);
  if (opts.json) {
    await writeFile(opts.json, JSON.stringify({ date: new Date().toISOString(), cores: availableParallelism(), loadavg: [load0, load1], info, utteranceSec: UTTERANCE_SEC, detect: { total, features: feat, model }, live: { latency: live, lengths: b.map((r) => r.len) }, continuous: { rate, span, intervals, latency: contLatency } }, null, 2));
  }
} finally {
  await browser.close();
  await server.close();
  await mic.cleanup();
}
