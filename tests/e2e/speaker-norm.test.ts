// Speaker/session normalisation in real Chromium, on a tiny MSIR model trained here with
// `--speaker-norm on` (the shipped default may not have it):
// (a) eval.html's per-speaker (and global) probabilities equal `msir eval --json` per clip, out-of-set clips
//     included (≤ 1e-4), and the page and its JSON export say which normalisation ran;
// (b) the live path applies what evaluation applies: clips dropped on the demo one after another (the
//     Detector's session mode) give what Node gives with SpeakerStats accumulated over the same clips in the
//     same order, then the predictor (≤ 1e-4); after the demo's reset the first clip matches again;
// (c) the widget shows how much speech it adapted to, and resetSession() / a model change / reconnecting
//     start again.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAudio } from '../../src/audio/load.ts';
import { audioForModel } from '../../src/audio/normalise-level.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import { SpeakerStats } from '../../src/features/speaker-norm.ts';
import { loadPredictor } from '../../src/model/load.ts';
import { EMOTIONS } from '../../src/model/emotions.ts';
import { makeToyCorpus } from '../training/toy-corpus.ts';
import { buildIemocapFixture, type IemocapFixture } from './eval-page-fixture.ts';
import { launchChromium, ROOT, startServer } from './harness.ts';
import { RAVDESS } from './demo-helpers.ts';

const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, [path.join(ROOT, 'training/bin.mjs'), ...args], { cwd: ROOT, timeout: 300_000 });
/** The URL the trained model is served at (page.route, from the temporary folder). */
const MODEL_URL = '/sn-test-model/';
/** Test-split RAVDESS clips of one actor, in the order the session sees them. */
const SESSION_CLIPS = ['03-01-05-02-01-02-21', '03-01-01-01-01-01-21', '03-01-04-02-02-01-21', '03-01-03-02-01-01-21'].map((n) => `audio/Actor_21/${n}.flac`);

interface CliClip {
  id: string;
  speaker: string;
  probabilities: Record<string, number>;
}
interface CliOutput {
  n: number;
  speakerNorm?: string;
  clips: CliClip[];
  outOfSetClips?: CliClip[];
}
interface PageExport {
  speakerNorm: { mode: string; speakers: number; globalClips: number } | null;
  clips: Array<{ id: string; speaker: string; status: string; probabilities?: Record<string, number>; normalisation?: { mode: string; speechSec: number }; workerTensors?: number }>;
}

let tmp: string;
let modelDir: string;
let fixture: IemocapFixture;
let cliSpeaker: CliOutput;
let cliGlobal: CliOutput;
/** The toy EmoDB corpus (4 speakers, shared layout), copied with real files for the page's folder input. */
let toyCopy: string;
let cliToy: CliOutput;
let server: ViteDevServer;
let url: string;
let browser: Browser;
let micSec = 0;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'msir-sn-e2e-'));
  const toy = makeToyCorpus(path.join(tmp, 'toy'));
  modelDir = path.join(tmp, 'model');
  const cache = path.join(tmp, 'cache');
  // A tiny CR+LLD model with speaker normalisation: seconds to train on the toy corpus.
  await cli('train', '--speaker-norm', 'on', '--preset', 'tiny', '--epochs', '1', '--batch', '8', '--micro-batch', '4', '--crop', '200', '--workers', '1', '--seed', '1', '--corpus', toy, '--out', modelDir, '--cache', cache);
  const manifest = JSON.parse(readFileSync(path.join(modelDir, 'manifest.json'), 'utf8')) as { speakerNormalisation?: unknown };
  if (!manifest.speakerNormalisation) throw new Error('msir train --speaker-norm on wrote no manifest.speakerNormalisation');
  fixture = buildIemocapFixture(tmp, 3);
  const evalJson = async (mode: string, extra: string[]): Promise<CliOutput> => {
    const out = path.join(tmp, `cli-${mode}.json`);
    await cli('eval', '--model', modelDir, '--corpus', fixture.root, '--split', 'test', '--speaker-norm', mode, ...extra, '--json', out, '--cache', cache, '--workers', '1');
    return JSON.parse(readFileSync(out, 'utf8')) as CliOutput;
  };
  cliSpeaker = await evalJson('speaker', ['--out-of-set']);
  cliGlobal = await evalJson('global', []);
  toyCopy = path.join(tmp, 'toy-copy');
  execFileSync('cp', ['-rL', toy, toyCopy]);
  const toyJson = path.join(tmp, 'cli-toy.json');
  await cli('eval', '--model', modelDir, '--corpus', toyCopy, '--split', 'all', '--out-of-set', '--json', toyJson, '--cache', cache, '--workers', '1');
  cliToy = JSON.parse(readFileSync(toyJson, 'utf8')) as CliOutput;
  // Fake microphone for the widget: two clips with 1.5 s of silence around each.
  const parts = SESSION_CLIPS.slice(0, 2).map((c, i) => {
    const out = path.join(tmp, `part${i}.wav`);
    execFileSync('sox', [path.join(RAVDESS, c), '-r', '48000', '-b', '16', out, 'pad', '1.5', '1.5']);
    return out;
  });
  const mic = path.join(tmp, 'mic.wav');
  execFileSync('sox', [...parts, mic]);
  micSec = Number(execFileSync('soxi', ['-D', mic], { encoding: 'utf8' }).trim());
  ({ server, url } = await startServer());
  browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${mic}`, '--autoplay-policy=no-user-gesture-required']);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A page that gets the trained model at MODEL_URL (its workers' fetches included). */
async function openPage(pathAndQuery: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route(`**${MODEL_URL}**`, async (route) => {
    const rel = decodeURIComponent(new URL(route.request().url()).pathname.slice(MODEL_URL.length));
    const file = path.join(modelDir, rel);
    if (!rel || rel.includes('..') || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ body: await readFile(file), contentType: file.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
  });
  await page.goto(`${url}${pathAndQuery}`);
  return { page, errors };
}

const maxAbs = (a: number[], b: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
const probsOf = (p: Record<string, number>): number[] => EMOTIONS.map((e) => p[e]!);

async function runEvalPage(root: string, query: string, outOfSet: boolean, split?: string): Promise<{ exported: PageExport; note: string; noteMode: string | null; errors: string[] }> {
  const { page, errors } = await openPage(`/eval.html?workers=2&model=${encodeURIComponent(MODEL_URL)}${query}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.setInputFiles('#folder-input', root);
  await page.waitForSelector('#dataset:not([hidden])');
  if (split) await page.selectOption('#split', split);
  if (outOfSet) await page.check('#out-of-set');
  await page.click('#run');
  await page.waitForSelector('body[data-results="ready"]', { timeout: 240_000 });
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const exported = JSON.parse(readFileSync((await dl.path())!, 'utf8')) as PageExport;
  const note = (await page.textContent('#speaker-norm-note')) ?? '';
  const noteMode = await page.getAttribute('#speaker-norm-note', 'data-mode');
  await page.close();
  return { exported, note, noteMode, errors };
}

describe('speaker normalisation in the browser', () => {
  /** Per-clip |Δp| between the page's export and msir eval's JSON (scored and out-of-set clips), and the
   *  normalisation each clip reports. */
  function compare(exported: PageExport, cliOut: CliOutput, mode: 'speaker' | 'global'): { worst: number; n: number } {
    const want = new Map([...cliOut.clips, ...(cliOut.outOfSetClips ?? [])].map((c) => [c.id, probsOf(c.probabilities)]));
    const ok = exported.clips.filter((c) => c.status === 'ok');
    expect(ok.map((c) => c.id).sort()).toEqual([...want.keys()].sort());
    // msir eval's rule: a speaker's statistics come from its scored clips; the others get the prior.
    const scoredSpeakers = new Set(cliOut.clips.map((c) => c.speaker));
    let worst = 0;
    for (const c of ok) {
      worst = Math.max(worst, maxAbs(probsOf(c.probabilities!), want.get(c.id)!));
      if (mode === 'global' || !scoredSpeakers.has(c.speaker)) expect(c.normalisation).toEqual({ mode: 'global', speechSec: 0 });
      else {
        expect(c.normalisation?.mode).toBe('speaker');
        expect(c.normalisation!.speechSec).toBeGreaterThan(2);
      }
    }
    expect(new Set(ok.map((c) => c.workerTensors)).size).toBe(1);
    if (mode === 'speaker') {
      const globalClips = exported.clips.filter((c) => !scoredSpeakers.has(c.speaker)).length;
      expect(exported.speakerNorm).toEqual({ mode: 'speaker', speakers: scoredSpeakers.size, globalClips });
    } else expect(exported.speakerNorm?.mode).toBe('global');
    return { worst, n: ok.length };
  }

  it('eval.html per speaker and global equals msir eval per clip (≤ 1e-4), and says which normalisation ran', async () => {
    expect(cliSpeaker.speakerNorm).toBe('speaker');
    expect(cliGlobal.speakerNorm).toBe('global');
    // IEMOCAP layout, session 5, with the clips outside the four.
    const iemocap = await runEvalPage(fixture.root, '', true);
    expect(iemocap.errors).toEqual([]);
    expect(iemocap.noteMode).toBe('speaker');
    expect(iemocap.note).toMatch(/^Speaker normalisation: per speaker \(\d+ speakers?, each with the statistics of its scored clips/);
    const a = compare(iemocap.exported, cliSpeaker, 'speaker');
    expect(a.n).toBe(fixture.scored.length + fixture.unlabelled.length);
    // Shared layout, four speakers, every split, with the boredom clips.
    const toy = await runEvalPage(toyCopy, '', true, 'all');
    expect(toy.errors).toEqual([]);
    expect(toy.note).toMatch(/per speaker \(4 speakers/);
    const b = compare(toy.exported, cliToy, 'speaker');
    expect(b.n).toBe(36);
    // Global: the prior alone.
    const global = await runEvalPage(fixture.root, '&speakerNorm=global', false);
    expect(global.errors).toEqual([]);
    expect(global.noteMode).toBe('global');
    const g = compare(global.exported, cliGlobal, 'global');
    const bySpeaker = new Map(iemocap.exported.clips.filter((c) => c.status === 'ok').map((c) => [c.id, probsOf(c.probabilities!)]));
    let modeEffect = 0;
    for (const c of global.exported.clips.filter((x) => x.status === 'ok')) modeEffect = Math.max(modeEffect, maxAbs(probsOf(c.probabilities!), bySpeaker.get(c.id)!));
    console.log(
      `eval page vs msir eval, max |Δp|: per speaker ${a.worst.toExponential(2)} (${a.n} IEMOCAP-layout clips), ${b.worst.toExponential(2)} (${b.n} toy clips, 4 speakers); ` +
        `global ${g.worst.toExponential(2)} (${g.n} clips); per speaker vs global differ by up to ${modeEffect.toFixed(3)}`,
    );
    expect(Math.max(a.worst, b.worst, g.worst)).toBeLessThanOrEqual(1e-4);
    // The statistics matter for this model, so the comparison above is not vacuous.
    expect(modeEffect).toBeGreaterThan(1e-3);
  });

  it('demo file drops follow the session: Node SpeakerStats over the same clips in order (≤ 1e-4); reset starts again', async () => {
    // Node: the same decoding, level normalisation and features, the statistics accumulated clip by clip.
    const predictor = await loadPredictor(modelDir);
    const { levelDb, frameStepSec } = predictor.manifest.features;
    const stats = new SpeakerStats(predictor.manifest.speakerNormalisation!);
    const ex = new FeatureExtractor();
    const bytes = await Promise.all(SESSION_CLIPS.map((c) => readFile(path.join(RAVDESS, c))));
    const feats = await Promise.all(bytes.map(async (b) => ex.extract(audioForModel(await loadAudio(new Uint8Array(b)), levelDb))));
    const node: Array<{ p: number[]; speechSec: number }> = [];
    const predict = async (s: SpeakerStats, i: number): Promise<number[]> => Array.from((await predictor.predict({ features: s.normalise(feats[i]!) })).probabilities);
    for (let i = 0; i < feats.length; i++) node.push({ p: await predict(stats.add(feats[i]!), i), speechSec: stats.frames * frameStepSec });
    const afterReset = new SpeakerStats(predictor.manifest.speakerNormalisation!).add(feats[0]!);
    const nodeReset = { p: await predict(afterReset, 0), speechSec: afterReset.frames * frameStepSec };
    const both = afterReset.add(feats[1]!);
    const nodeApi = { p: await predict(both, 1), speechSec: both.frames * frameStepSec };
    predictor.dispose();
    const order = predictor.manifest.emotions;
    const inEmotionOrder = (p: number[]): number[] => EMOTIONS.map((e) => p[order.indexOf(e)]!);

    const { page, errors } = await openPage(`/?model=${encodeURIComponent(MODEL_URL)}`);
    await page.waitForFunction(() => {
      const h = (window as unknown as { msirDemo?: { ready: boolean; errors: unknown[] } }).msirDemo;
      return !!h && (h.ready || h.errors.length > 0);
    }, undefined, { timeout: 180_000 });
    expect(await page.isVisible('#adaptation')).toBe(true);
    expect(await page.textContent('#adaptation-text')).toMatch(/Adapted to your voice: 0 s of speech \(still mostly the training average/);
    expect(await page.textContent('#model-card')).toMatch(/Speaker normalisation.*per session/);
    const drop = async (i: number): Promise<{ p: number[]; speechSec: number; mode: string }> => {
      await page.evaluate(
        ({ b64, name }) => {
          const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const dt = new DataTransfer();
          dt.items.add(new File([bin], name, { type: 'audio/flac' }));
          document.querySelector('#file-result')!.removeAttribute('data-probabilities');
          document.querySelector('#drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        },
        { b64: bytes[i]!.toString('base64'), name: path.basename(SESSION_CLIPS[i]!) },
      );
      await page.waitForSelector('#file-result[data-probabilities]', { timeout: 60_000 });
      return page.evaluate(() => {
        const d = (window as unknown as { msirDemo: { fileResult: { normalisation: { mode: string; speechSec: number } } } }).msirDemo.fileResult;
        const p = JSON.parse(document.querySelector('#file-result')!.getAttribute('data-probabilities')!) as number[];
        return { p, speechSec: d.normalisation.speechSec, mode: d.normalisation.mode };
      });
    };
    let worst = 0;
    let worstSec = 0;
    const check = (got: { p: number[]; speechSec: number; mode?: string }, want: { p: number[]; speechSec: number }): void => {
      worst = Math.max(worst, maxAbs(got.p, inEmotionOrder(want.p)));
      worstSec = Math.max(worstSec, Math.abs(got.speechSec - want.speechSec));
      if (got.mode !== undefined) expect(got.mode).toBe('session');
    };
    const browserSeq: number[][] = [];
    for (let i = 0; i < SESSION_CLIPS.length; i++) {
      const got = await drop(i);
      check(got, node[i]!);
      browserSeq.push(got.p);
    }
    expect(await page.getAttribute('#adaptation', 'data-speech-sec')).toBe(String((await page.evaluate(() => (window as unknown as { msirDemo: { fileResult: { normalisation: { speechSec: number } } } }).msirDemo.fileResult.normalisation.speechSec))));
    expect(await page.textContent('#adaptation-text')).toMatch(new RegExp(`Adapted to your voice: ${Math.round(node.at(-1)!.speechSec)} s of speech`));
    // The demo's reset button: the next clip is normalised as if it were the session's first.
    await page.click('#reset-session');
    await page.waitForFunction(() => document.querySelector('#adaptation')?.getAttribute('data-speech-sec') === '0');
    const again = await drop(0);
    check(again, nodeReset);
    // The Detector API itself (detect() on samples): the session now holds clips 1 and 2.
    // A string, not a function: vitest would rewrite import() inside a function body for Node.
    const script = `(async (b64) => {
      const { loadAudio } = await import('/src/audio/load.ts');
      const audio = await loadAudio(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
      const d = await window.msirDemo.detector.detect(audio, 16000);
      return { p: ['happy', 'neutral', 'sad', 'angry'].map((e) => d.emotions[e].probability), speechSec: d.normalisation.speechSec, mode: d.normalisation.mode };
    })(${JSON.stringify(bytes[1]!.toString('base64'))})`;
    const api = (await page.evaluate(script)) as { p: number[]; speechSec: number; mode: string };
    check(api, nodeApi);
    console.log(`demo session vs Node SpeakerStats: max |Δp| = ${worst.toExponential(2)} over ${SESSION_CLIPS.length + 2} detections, max |Δ speech s| = ${worstSec.toExponential(2)}; ` +
      `session moved clip 1's probabilities by up to ${maxAbs(browserSeq[0]!, inEmotionOrder(node.at(-1)!.p)).toFixed(3)} vs clip 4`);
    expect(worst).toBeLessThanOrEqual(1e-4);
    expect(worstSec).toBeLessThanOrEqual(0.02);
    expect(maxAbs(again.p, browserSeq[0]!)).toBeLessThanOrEqual(1e-6);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the widget shows the speech it adapted to, and resetSession(), a model change and reconnecting start again', async () => {
    const { page, errors } = await openPage('/examples/widget.html');
    await page.evaluate(() => customElements.whenDefined('msir-detector'));
    await page.evaluate((model) => {
      document.getElementById('compact')!.remove();
      const el = document.getElementById('widget')!;
      el.setAttribute('model', model);
      el.setAttribute('mode', 'utterance');
    }, MODEL_URL);
    const read = () =>
      page.evaluate(() => {
        const el = document.getElementById('widget') as HTMLElement & { sessionSpeechSec: number | null };
        const adapt = el.shadowRoot!.querySelector('.adapt') as HTMLElement;
        return { sec: el.sessionSpeechSec, hidden: adapt.hidden, text: adapt.querySelector('.adapt-text')!.textContent ?? '' };
      });
    expect((await read()).hidden).toBe(true); // nothing loaded yet
    await page.evaluate(() => (document.getElementById('widget') as HTMLElement & { start(): Promise<void> }).start());
    await page.waitForFunction(() => ((document.getElementById('widget') as HTMLElement & { sessionSpeechSec: number | null }).sessionSpeechSec ?? 0) > 0.5, undefined, {
      timeout: Math.max(60_000, micSec * 4000),
    });
    const listening = await read();
    expect(listening.hidden).toBe(false);
    expect(listening.text).toMatch(/^Adapted to your voice: \d+ s of speech/);
    // The Reset button (what resetSession() does).
    await page.evaluate(() => (document.getElementById('widget')!.shadowRoot!.querySelector('button.reset') as HTMLButtonElement).click());
    await page.waitForFunction(() => (document.getElementById('widget') as HTMLElement & { sessionSpeechSec: number | null }).sessionSpeechSec === 0);
    expect((await read()).text).toMatch(/^Adapted to your voice: 0 s of speech/);
    // Wait for the next utterance to adapt again, then change the model attribute: back to 0.
    await page.waitForFunction(() => ((document.getElementById('widget') as HTMLElement & { sessionSpeechSec: number | null }).sessionSpeechSec ?? 0) > 0.5, undefined, {
      timeout: Math.max(60_000, micSec * 4000),
    });
    await page.evaluate(async (model) => {
      const el = document.getElementById('widget') as HTMLElement & { stop(): void; resetSession(): Promise<void> };
      el.stop();
      el.setAttribute('model', model.slice(0, -1));
    }, MODEL_URL);
    // The reset the attribute change started lands once the worker has finished the stopped session's last
    // run (seconds on a loaded machine, so no fixed sleep).
    await page.waitForFunction(() => (document.getElementById('widget') as HTMLElement & { sessionSpeechSec: number | null }).sessionSpeechSec === 0, undefined, { timeout: 60_000 });
    expect((await read()).sec).toBe(0);
    // Disconnected: the detector and its statistics go; reconnected, nothing is adapted until it runs again.
    await page.evaluate(() => {
      const el = document.getElementById('widget')!;
      const parent = el.parentElement!;
      el.remove();
      parent.append(el);
    });
    const reconnected = await read();
    expect(reconnected.sec).toBeNull();
    expect(reconnected.hidden).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
