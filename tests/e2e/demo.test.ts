// The demo page's file drop runs the same pipeline as `msir eval`: same probabilities within 1e-4 on the
// same clip. Also the model card (corpora, licences, metrics) and the message when it falls back to the
// default model (no wav2vec2).
// A speaker-normalised model normalises a drop with its session's statistics and `msir eval` with the
// speaker's: the clips are of different speakers, one each, and the demo's session is reset before each
// drop, so both normalise every clip with the statistics of that clip alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { launchChromium, ROOT, startServer } from './harness.ts';
import { ANGRY_CLIP, NEUTRAL_CLIP, RAVDESS, waitReady } from './demo-helpers.ts';

const MODEL = process.env['MSIR_E2E_MODEL'] ?? '/models/msir-default/';
const MODEL_DIR = resolve(ROOT, 'public', MODEL.replace(/^\/+/, ''));
const EMOTIONS = ['happy', 'neutral', 'sad', 'angry'] as const;
const run = promisify(execFile);

let server: ViteDevServer;
let url: string;
let browser: Browser;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'msir-demo-'));
  ({ server, url } = await startServer());
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** `msir eval --json` on a one-corpus folder holding just `clips` (a metadata.csv + a link to the audio). */
async function evalCli(clips: string[]): Promise<Map<string, number[]>> {
  const corpus = join(tmp, 'corpus');
  await rm(corpus, { recursive: true, force: true });
  await run('mkdir', ['-p', corpus]);
  await symlink(resolve(RAVDESS, 'audio'), join(corpus, 'audio'));
  const header = (await readFile(resolve(RAVDESS, 'metadata.csv'), 'utf8')).split('\n')[0]!;
  const rows = (await readFile(resolve(RAVDESS, 'metadata.csv'), 'utf8')).split('\n').filter((l) => clips.some((c) => l.startsWith(`${c},`)));
  expect(rows).toHaveLength(clips.length);
  await writeFile(join(corpus, 'metadata.csv'), [header, ...rows].join('\n') + '\n');
  const out = join(tmp, 'eval.json');
  await run(process.execPath, [resolve(ROOT, 'training/bin.mjs'), 'eval', '--model', MODEL_DIR, '--corpus', corpus, '--split', 'all', '--json', out, '--cache', join(tmp, 'cache'), '--workers', '1'], {
    cwd: ROOT,
    timeout: 240_000,
  });
  const report = JSON.parse(await readFile(out, 'utf8')) as { speakerNorm?: string; clips: Array<{ id: string; speaker: string; probabilities: Record<string, number> }> };
  const manifest = JSON.parse(await readFile(join(MODEL_DIR, 'manifest.json'), 'utf8')) as { speakerNormalisation?: unknown };
  if (manifest.speakerNormalisation) {
    expect(report.speakerNorm).toBe('speaker');
    expect(new Set(report.clips.map((c) => c.speaker)).size, 'one clip per speaker').toBe(report.clips.length);
  }
  return new Map(report.clips.map((c) => [c.id, EMOTIONS.map((e) => c.probabilities[e]!)]));
}

/** Drops a local file on the page's drop zone (a real 'drop' event carrying a File). */
async function dropFile(page: Page, path: string): Promise<number[]> {
  const bytes = (await readFile(path)).toString('base64');
  const name = path.split('/').pop()!;
  await page.evaluate(
    ({ b64, name }) => {
      const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bin], name, { type: 'audio/flac' }));
      const zone = document.querySelector('#drop')!;
      document.querySelector('#file-result')!.removeAttribute('data-probabilities');
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { b64: bytes, name },
  );
  await page.waitForSelector('#file-result[data-probabilities]', { timeout: 60_000 });
  return JSON.parse((await page.getAttribute('#file-result', 'data-probabilities'))!) as number[];
}

describe('demo page', () => {
  it('file drop gives the same probabilities as `msir eval` on the same clips (≤ 1e-4)', async () => {
    const clips = [ANGRY_CLIP, NEUTRAL_CLIP];
    const cli = await evalCli(clips);
    const page = await browser.newPage();
    await page.goto(`${url}/?model=${encodeURIComponent(MODEL)}`);
    await waitReady(page);
    const sessionModel = await page.evaluate(() => !!(window as unknown as { msirDemo: { detector: { info: { manifest: { speakerNormalisation?: unknown } } } } }).msirDemo.detector.info.manifest.speakerNormalisation);
    const maxDiff = (a: number[], b: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    const evalOf = (clip: string): number[] => {
      const id = [...cli.keys()].find((k) => clip.includes(k) || k.includes(clip.split('/').pop()!.replace('.flac', '')));
      expect(id, `eval output has ${clip}: ${[...cli.keys()].join(', ')}`).toBeDefined();
      return cli.get(id!)!;
    };
    let worst = 0;
    const speech: string[] = [];
    for (const [n, clip] of clips.entries()) {
      if (sessionModel && n > 0) {
        // The demo's "new speaker" button: the next drop starts a fresh session.
        await page.click('#reset-session');
        await page.waitForFunction(() => document.querySelector('#adaptation')?.getAttribute('data-speech-sec') === '0');
      }
      const browserProbs = await dropFile(page, resolve(RAVDESS, clip));
      const norm = await page.evaluate(() => (window as unknown as { msirDemo: { fileResult: { normalisation?: { mode: string; speechSec: number } } } }).msirDemo.fileResult.normalisation ?? null);
      if (sessionModel) {
        expect(norm?.mode).toBe('session');
        // This clip's speech alone (a RAVDESS sentence: one to three seconds of it).
        expect(norm!.speechSec).toBeGreaterThan(0.5);
        expect(norm!.speechSec).toBeLessThan(4);
        speech.push(norm!.speechSec.toFixed(2));
      } else expect(norm).toBeNull();
      const nodeProbs = evalOf(clip);
      worst = Math.max(worst, maxDiff(browserProbs, nodeProbs));
      for (let i = 0; i < 4; i++) expect(Math.abs(browserProbs[i]! - nodeProbs[i]!), `${clip} ${EMOTIONS[i]}: browser ${browserProbs[i]} vs eval ${nodeProbs[i]}`).toBeLessThanOrEqual(1e-4);
    }
    let sessionEffect = '';
    if (sessionModel) {
      // Not vacuous: without the reset, the session (now both speakers) gives the first clip other numbers.
      const mixed = await dropFile(page, resolve(RAVDESS, clips[0]!));
      const moved = maxDiff(mixed, evalOf(clips[0]!));
      sessionEffect = `; session speech ${speech.join(', ')} s; the first clip again, in a session of both speakers, moves by ${moved.toFixed(4)}`;
      expect(moved).toBeGreaterThan(1e-4);
    }
    console.log(`demo file drop vs msir eval: max |Δp| ${worst.toExponential(2)} over ${clips.length} clips${sessionEffect}`);
    await page.close();
  });

  it('a dropped silent clip is reported as having no speech, without emotion results', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/?model=${encodeURIComponent(MODEL)}`);
    await waitReady(page);
    await dropFile(page, resolve(ROOT, '../shared/reference/synthetic/wav/silence_0.5s.wav'));
    const text = await page.textContent('#file-result');
    expect(text).toMatch(/No speech: the clip is silent/);
    expect(await page.$('#file-result table')).toBeNull();
    await page.close();
  });

  it('shows the model card from the manifest, with the corpora licences', async () => {
    const manifest = JSON.parse(await readFile(join(MODEL_DIR, 'manifest.json'), 'utf8')) as { name: string; training: { corpora: Array<{ name: string; licence: string }> } };
    const page = await browser.newPage();
    await page.goto(`${url}/?model=${encodeURIComponent(MODEL)}`);
    await waitReady(page);
    const card = (await page.textContent('#model-card'))!;
    expect(card).toContain(manifest.name);
    for (const c of manifest.training.corpora) {
      expect(card).toContain(c.name);
      expect(card).toContain(c.licence);
    }
    if (manifest.training.corpora.some((c) => /ravdess/i.test(c.name))) expect(card).toMatch(/non-commercial/);
    // what a positive means: the four emotions only, other emotions still make a detector fire
    expect(await page.textContent('#model-card .limits-note')).toMatch(/only emotions this model was trained on.*other emotions.*usually makes one of them fire/);
    expect(await page.textContent('#readout')).toMatch(/backend (wasm|webgl|webgpu|cpu)/);
    await page.close();
  });

  it('without a three-branch model + wav2vec2 folder it says it falls back to the default model', async () => {
    const page = await browser.newPage();
    // Whatever is shipped, a w2v folder that does not exist must produce the fallback message.
    await page.route('**/models/msir-w2v/manifest.json', (r) => r.fulfill({ status: 404, body: 'not here' }));
    await page.goto(`${url}/`);
    await waitReady(page);
    expect(await page.getAttribute('#message', 'data-kind')).toBe('info');
    expect(await page.textContent('#message')).toMatch(/using the default model \(without wav2vec2\)/);
    // The model card names the branches the default really has (it need not have a log-Mel 'cr' one).
    const branches = await page.evaluate(() => (window as unknown as { msirDemo: { detector: { info: { branches: string[] } } } }).msirDemo.detector.info.branches);
    expect(await page.textContent('#model-card')).toContain(`not used (${branches.join('+').toUpperCase()} model)`);
    await page.close();
  });

  it('with a three-branch model and a wav2vec2 folder served, the demo runs all three branches', async () => {
    // A tiny CR+LLD+w2v model bound to the tiny wav2vec2 test encoder, served at the URLs the demo probes.
    const tf = await import('@tensorflow/tfjs');
    const { buildMsirModel } = await import('../../src/model/msir.ts');
    const { initWeights } = await import('../../src/model/graph.ts');
    const { saveModelDir, MODEL_FILE } = await import('../../src/model/io.ts');
    const { makeConfig } = await import('../../src/model/presets.ts');
    const { Wav2Vec2Encoder } = await import('../../src/ssl/encoder.ts');
    await tf.setBackend('cpu');
    const fixture = resolve(ROOT, 'tests/fixtures/wav2vec2-tiny');
    const enc = await Wav2Vec2Encoder.load({ model: fixture });
    const encoder = { name: enc.info.name, hiddenSize: enc.info.hiddenSize, sha256: enc.info.sha256 };
    await enc.dispose();
    const base = makeConfig('tiny', ['cr', 'lld', 'w2v']);
    const cfg = { ...base, inputs: { ...base.inputs, w2vHidden: encoder.hiddenSize } };
    const model = buildMsirModel(cfg, 4);
    initWeights(model, 4);
    const dir = join(tmp, 'msir-w2v');
    await saveModelDir(model, dir);
    model.dispose();
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify({
        formatVersion: 1,
        name: 'three-branch-test',
        arch: 'msir',
        branches: ['cr', 'lld', 'w2v'],
        inputs: { logmel: '2d', lld: '3d', w2v: { hiddenSize: encoder.hiddenSize } },
        features: { sampleRate: 16000, frameStepSec: 0.01, logmelBands: 40, lldCount: 65 },
        normalisation: { logmel: { mean: Array(80).fill(-4), std: Array(80).fill(3) }, lld: { mean: Array(195).fill(0), std: Array(195).fill(5) } },
        emotions: ['happy', 'neutral', 'sad', 'angry'],
        thresholds: [0.5, 0.5, 0.5, 0.5],
        encoder,
        training: { corpora: [{ name: 'none (test)', licence: 'n/a' }], seed: 4, commit: 'test', date: '2026-11-24' },
        metrics: {},
        msir: { modelFile: MODEL_FILE, config: cfg },
      }),
    );
    const page = await browser.newPage();
    await page.route(/\/models\/(msir-w2v|wav2vec2)\/[^?]*/, async (route) => {
      const m = new URL(route.request().url()).pathname.match(/\/models\/(msir-w2v|wav2vec2)\/(.*)$/)!;
      const file = join(m[1] === 'msir-w2v' ? dir : fixture, decodeURIComponent(m[2]!));
      if (!m[2] || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ body: await readFile(file), contentType: file.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
    });
    await page.goto(`${url}/`);
    await waitReady(page);
    const info = await page.evaluate(() => {
      const i = (window as unknown as { msirDemo: { detector: { info: { branches: string[]; wav2vec2: { used: boolean; device?: string } } } } }).msirDemo.detector.info;
      return { branches: i.branches, w2v: i.wav2vec2 };
    });
    expect(info.branches).toEqual(['cr', 'lld', 'w2v']);
    expect(info.w2v.used).toBe(true);
    expect(await page.isHidden('#message')).toBe(true);
    expect(await page.textContent('#model-card')).toContain('three-branch-test');
    await dropFile(page, resolve(RAVDESS, NEUTRAL_CLIP));
    const att = await page.evaluate(() => {
      const d = (window as unknown as { msirDemo: { fileResult: { attention: Record<string, Float32Array>; timings: { sslMs: number } } } }).msirDemo.fileResult;
      return { w2v: d.attention['w2v']?.length ?? 0, sslMs: d.timings.sslMs };
    });
    expect(att.w2v).toBeGreaterThan(10);
    expect(att.sslMs).toBeGreaterThan(0);
    await page.close();
  });
});
