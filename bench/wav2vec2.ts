// npm run bench:wav2vec2 [-- --model w768-base|w768-small --seconds 8 --repeats 3 --skip-browser]
// Seconds of compute per second of audio (real-time factor, lower is better) for generated 768-wide wav2vec2
// models through the real encoder: Node (onnxruntime-node CPU) and headless Chromium (onnxruntime-web WASM;
// WebGPU only when Chromium finds a hardware adapter — a software SwiftShader adapter is never timed).
// w768-base has exactly wav2vec2-base's shape (7 conv layers × 512, 12 layers × 768, FFN 3072) with random
// weights, so its compute equals the real facebook/wav2vec2-base-960h's.
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { Wav2Vec2Encoder } from '../src/ssl/encoder.ts';
import { synthesizeWav2Vec2, type SkeletonName } from '../tests/ssl/synthesize.ts';

interface Row {
  runtime: string;
  model: string;
  device: string;
  dtype: string;
  audioSec: number;
  medianSec: number;
  rtf: number;
  note?: string;
}

const { values } = parseArgs({
  options: {
    model: { type: 'string', multiple: true },
    seconds: { type: 'string', default: '8' },
    repeats: { type: 'string', default: '3' },
    'skip-browser': { type: 'boolean', default: false },
    'wasm-threads': { type: 'string' },
  },
});
const models = (values.model ?? ['w768-base']) as SkeletonName[];
const seconds = Number(values.seconds);
const repeats = Math.max(1, Number(values.repeats));
const wasmThreads = values['wasm-threads'] ? Number(values['wasm-threads']) : undefined;

function testAudio(sec: number): Float32Array {
  // Content does not change wav2vec2's compute (fixed graph, no early exit); a voiced-like signal anyway.
  const n = Math.round(sec * 16000);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / 16000;
    const f0 = 140 + 30 * Math.sin(2 * Math.PI * 0.5 * t);
    x[i] = 0.2 * Math.sin(2 * Math.PI * f0 * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t)) + 0.01 * Math.sin(i * 1.7);
  }
  return x;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function benchNode(model: SkeletonName, audio: Float32Array): Promise<Row> {
  const dir = await synthesizeWav2Vec2(model);
  const enc = await Wav2Vec2Encoder.load({ model: dir });
  try {
    await enc.encode(audio); // warm-up (session allocation)
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      await enc.encode(audio);
      times.push((performance.now() - t0) / 1000);
    }
    const med = median(times);
    return { runtime: `node ${process.version} onnxruntime-node`, model, device: enc.info.device, dtype: enc.info.dtype, audioSec: audio.length / 16000, medianSec: med, rtf: med / (audio.length / 16000) };
  } finally {
    await enc.dispose();
  }
}

interface PageResult {
  ok: boolean;
  message?: string;
  info?: { device: string; dtype: string };
  encodeMs?: number[];
}

async function benchBrowser(models: SkeletonName[], audio: Float32Array): Promise<Row[]> {
  const { startServer, launchChromium } = await import('../tests/e2e/harness.ts');
  const { server, url } = await startServer();
  // Ask for a hardware adapter; headless Chromium falls back to SwiftShader (software) or none.
  const browser = await launchChromium(['--enable-unsafe-webgpu', '--enable-features=Vulkan']);
  const rows: Row[] = [];
  try {
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    await page.goto(`${url}/tests/e2e/ssl-page.html`);
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready', null, { timeout: 300_000 });
    const env = await page.evaluate(async () => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { vendor: string; architecture: string; description: string } } | null> } }).gpu;
      const adapter = gpu ? await gpu.requestAdapter() : null;
      const info = adapter?.info;
      return {
        cores: navigator.hardwareConcurrency,
        isolated: crossOriginIsolated,
        ua: navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? navigator.userAgent,
        adapter: adapter ? `${info?.vendor ?? '?'} ${info?.architecture ?? ''} ${info?.description ?? ''}`.trim() : null,
      };
    });
    const softwareGpu = env.adapter === null || /swiftshader|llvmpipe|software/i.test(env.adapter);
    const devices = softwareGpu ? ['wasm'] : ['wasm', 'webgpu'];
    for (const model of models) {
      for (const device of devices) {
        const r = await page.evaluate(
          ([o, a, n]) => (globalThis as unknown as { runSsl(o: unknown, a: number[], n: number): Promise<PageResult> }).runSsl(o, a, n),
          [{ model: `/.cache/msir-wav2vec2/${model}`, device, ...(wasmThreads ? { wasmThreads } : {}) }, Array.from(audio), repeats] as const,
        );
        if (!r.ok) throw new Error(`Chromium ${device}: ${r.message}`);
        const med = median(r.encodeMs!) / 1000;
        rows.push({
          runtime: `${env.ua} onnxruntime-web`,
          model,
          device: r.info!.device,
          dtype: r.info!.dtype,
          audioSec: audio.length / 16000,
          medianSec: med,
          rtf: med / (audio.length / 16000),
          note: `${env.cores} logical cores, crossOriginIsolated=${env.isolated}, wasm threads ${wasmThreads ?? 'default'}`,
        });
      }
    }
    if (softwareGpu) {
      rows.push({
        runtime: `${env.ua} onnxruntime-web`,
        model: models.join(','),
        device: 'webgpu',
        dtype: '-',
        audioSec: 0,
        medianSec: Number.NaN,
        rtf: Number.NaN,
        note: `not timed: no hardware GPU here (adapter: ${env.adapter ?? 'none'})`,
      });
    }
    if (foreign.length > 0) throw new Error(`requests left the origin: ${foreign.join(', ')}`);
  } finally {
    await browser.close();
    await server.close();
  }
  return rows;
}

async function main(): Promise<void> {
  const audio = testAudio(seconds);
  console.log(`wav2vec2 benchmark: ${seconds} s of 16 kHz audio, median of ${repeats} after a warm-up; host ${cpus().length} logical CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const rows: Row[] = [];
  const show = (r: Row) => {
    rows.push(r);
    const fig = Number.isNaN(r.rtf) ? 'n/a' : `${r.rtf.toFixed(3)} s compute / s audio (${r.medianSec.toFixed(2)} s for ${r.audioSec} s)`;
    console.log(`${r.model.padEnd(11)} ${r.device.padEnd(7)} ${r.dtype.padEnd(5)} ${fig}  [${r.runtime}${r.note ? `; ${r.note}` : ''}]`);
  };
  for (const m of models) show(await benchNode(m, audio));
  if (!values['skip-browser']) for (const r of await benchBrowser(models, audio)) show(r);
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(JSON.stringify(rows));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
