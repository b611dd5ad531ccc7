// `npm run screenshots`: the README's pictures, taken from the real pages so they stay current. Starts the
// Vite dev server and Debian's Chromium (as the e2e tests do), then
//  - docs/img/demo.png: the live demo after detections on a fake microphone playing RAVDESS test clips;
//  - docs/img/eval.png: the evaluation page after evaluating a small labelled folder of real test clips.
// Needs ../shared/corpora (nothing from it is written to the repository). PNGs are 1000 px wide and
// palette-quantised so the repository stays small.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { launchChromium, ROOT, startServer } from '../tests/e2e/harness.ts';
import { ANGRY_CLIP, NEUTRAL_CLIP, RAVDESS, fakeMicFlags, makeFakeMic, waitReady } from '../tests/e2e/demo-helpers.ts';

const OUT = path.join(ROOT, 'docs/img');
const WIDTH = 1000;
const EMOTIONS = ['happy', 'neutral', 'sad', 'angry'];

/** Three test-split clips per emotion (speakers the model never heard), in the shared metadata.csv layout. */
function smallCorpus(dir: string): void {
  const lines = readFileSync(path.join(RAVDESS, 'metadata.csv'), 'utf8').trim().split(/\r?\n/);
  const head = lines[0]!.split(',');
  const col = (n: string): number => head.indexOf(n);
  const rows = lines.slice(1).map((l) => l.split(','));
  mkdirSync(path.join(dir, 'audio'), { recursive: true });
  const out = ['file,corpus,speaker,emotion,split'];
  for (const e of EMOTIONS) {
    for (const r of rows.filter((r) => r[col('split')] === 'test' && r[col('emotion')] === e).filter((_, i) => i % 7 === 0).slice(0, 3)) {
      const file = `audio/${path.basename(r[col('file')]!)}`;
      copyFileSync(path.join(RAVDESS, r[col('file')]!), path.join(dir, file));
      out.push([file, 'ravdess', r[col('speaker')], e, 'test'].join(','));
    }
  }
  writeFileSync(path.join(dir, 'metadata.csv'), `${out.join('\n')}\n`);
}

async function save(page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<void> {
  const png = await page.screenshot({ fullPage: true, ...(clip ? { clip } : {}) });
  const file = path.join(OUT, name);
  await sharp(png).png({ palette: true, colours: 128, compressionLevel: 9, effort: 10 }).toFile(file);
  const { size } = statSync(file);
  console.log(`${path.relative(ROOT, file)}: ${(size / 1024).toFixed(0)} kB`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const tmp = mkdtempSync(path.join(tmpdir(), 'msir-screenshots-'));
  const mic = await makeFakeMic([ANGRY_CLIP, NEUTRAL_CLIP]);
  const { server, url } = await startServer();
  const browser = await launchChromium(fakeMicFlags(mic.wav));
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });

    // The demo, listening: two utterances detected (the angry and the neutral clip).
    await page.goto(`${url}/`);
    await waitReady(page);
    await page.selectOption('#mode', 'utterance');
    await page.click('#start');
    await page.waitForFunction(() => (window as unknown as { msirDemo: { detections: unknown[] } }).msirDemo.detections.length >= 2, undefined, { timeout: 120_000, polling: 250 });
    await page.waitForTimeout(1500); // let the spectrogram scroll past the last utterance
    const live = await page.locator('#model-card').boundingBox();
    await save(page, 'demo.png', { x: 0, y: 0, width: WIDTH, height: Math.min(1400, Math.round(live?.y ?? 900)) });
    await page.click('#stop');

    // The evaluation page after a run on twelve real test clips.
    const corpus = path.join(tmp, 'corpus');
    smallCorpus(corpus);
    await page.goto(`${url}/eval.html?workers=2&model=/models/msir-default/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.setInputFiles('#folder-input', corpus);
    await page.waitForSelector('#dataset:not([hidden])');
    await page.click('#run');
    await page.waitForSelector('body[data-results="ready"]', { timeout: 240_000 });
    const results = await page.locator('#results').boundingBox();
    if (!results) throw new Error('no results section');
    await save(page, 'eval.png', { x: 0, y: Math.max(0, results.y - 8), width: WIDTH, height: Math.min(1500, Math.round(results.height) + 8) });
  } finally {
    await browser.close();
    await server.close();
    await mic.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
