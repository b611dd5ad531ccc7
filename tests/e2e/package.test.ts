// The package as others get it: `npm pack` (prepack builds dist/), then examples/consumer — a project
// outside the source tree — installs the tarball offline from the npm cache the project's own `npm ci`
// filled, and uses its three faces: `npx msir` (help, and eval on a small labelled folder of real
// clips), the Detector API on a real clip and the <msir-detector> widget in Chromium, and the published
// types. No npm warnings along the way.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerLock } from './consumer-lock.ts';
import { ANGRY_CLIP, RAVDESS, fakeMicFlags, makeFakeMic, type FakeMic } from './demo-helpers.ts';
import { launchChromium, ROOT } from './harness.ts';

const run = promisify(execFile);
const EMOTIONS = ['happy', 'neutral', 'sad', 'angry'];

interface Ran {
  stdout: string;
  stderr: string;
}

/**
 * The environment of a user's shell: under `npm test`, npm exports its own settings (npm_config_local_prefix
 * = this repository, an empty allow-scripts, …) and the lifecycle's npm_package_* variables, which must not
 * steer the consumer's npm. The cache stays: it is what the offline install reads.
 */
function shellEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || k === 'npm_config_cache'));
}

/** Runs a command; on failure the error carries its output. */
async function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = shellEnv()): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr };
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** npm's warnings (`npm warn …`, any case) in some output. */
const npmWarnings = (text: string): string[] => text.split('\n').filter((l) => /^npm warn/i.test(l.trim()));

let tmp: string;
let app: string;
let corpus: string;
let tarball: string;
let packed: Ran;
let installed: Ran;
let server: ChildProcess | undefined;
let origin: string;
let browser: Browser | undefined;
let mic: FakeMic | undefined;

/** Two test-split clips per emotion (speakers the model never heard) in the shared metadata.csv layout. */
function smallCorpus(dir: string): number {
  const lines = readFileSync(path.join(RAVDESS, 'metadata.csv'), 'utf8').trim().split(/\r?\n/);
  const head = lines[0]!.split(',');
  const col = (n: string): number => head.indexOf(n);
  const rows = lines.slice(1).map((l) => l.split(','));
  const picked = EMOTIONS.flatMap((e) => rows.filter((r) => r[col('split')] === 'test' && r[col('emotion')] === e).slice(0, 2));
  mkdirSync(path.join(dir, 'audio'), { recursive: true });
  const out = ['file,speaker,emotion,split'];
  for (const r of picked) {
    const file = `audio/${path.basename(r[col('file')]!)}`;
    copyFileSync(path.join(RAVDESS, r[col('file')]!), path.join(dir, file));
    out.push([file, r[col('speaker')], r[col('emotion')], 'test'].join(','));
  }
  writeFileSync(path.join(dir, 'metadata.csv'), `${out.join('\n')}\n`);
  return picked.length;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'msir-package-'));
  app = path.join(tmp, 'app');
  cpSync(path.join(ROOT, 'examples/consumer'), app, {
    recursive: true,
    filter: (src) => !/node_modules|\.tgz$|package-lock\.json$/.test(path.relative(path.join(ROOT, 'examples/consumer'), src)),
  });
  packed = await sh('npm', ['pack', '--pack-destination', app], ROOT);
  tarball = readdirSync(app).find((f) => f.endsWith('.tgz'))!;
  const pkg = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
  pkg.dependencies.msir = `file:${tarball}`;
  writeFileSync(path.join(app, 'package.json'), JSON.stringify(pkg, null, 2));
  const msirManifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Parameters<typeof consumerLock>[0]['msirManifest'];
  const lock = consumerLock({ projectLock: path.join(ROOT, 'package-lock.json'), consumerName: pkg.name, dependencies: pkg.dependencies, msirManifest });
  writeFileSync(path.join(app, 'package-lock.json'), JSON.stringify(lock, null, 2));
  installed = await sh('npm', ['ci', '--offline', '--no-audit', '--no-fund'], app);
  corpus = path.join(tmp, 'corpus');
  smallCorpus(corpus);
});

afterAll(async () => {
  await browser?.close();
  server?.kill();
  await mic?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the packed package in a project of its own (examples/consumer)', () => {
  it('packs without npm warnings: the built modules, declarations, CLI and default model, no tests or corpora', async () => {
    expect(npmWarnings(packed.stderr + packed.stdout)).toEqual([]);
    const { stdout } = await sh('tar', ['-tzf', path.join(app, tarball)], tmp);
    const files = stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    for (const f of ['dist/lib/msir.js', 'dist/lib/msir-widget.js', 'dist/types/detector/index.d.ts', 'dist/types/ui/widget/index.d.ts', 'training/bin.mjs', 'public/models/msir-default/manifest.json']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^(tests|bench|docs|\.cache|node_modules)\//.test(f) || /\.(flac|wav)$/.test(f))).toEqual([]);
  });

  it('installs offline from the npm cache without npm warnings', () => {
    expect(npmWarnings(installed.stderr + installed.stdout)).toEqual([]);
    expect(readFileSync(path.join(app, 'node_modules/msir/package.json'), 'utf8')).toMatch(/"name": "msir"/);
  });

  it('npx msir --help prints the commands and no warnings', async () => {
    const { stdout, stderr } = await sh('npx', ['msir', '--help'], app);
    expect(stdout).toMatch(/usage: msir <command>/);
    for (const c of ['features', 'eval', 'train', 'detect']) expect(stdout).toContain(`  ${c}`);
    expect(stderr.trim()).toBe('');
  });

  it('npx msir eval scores the shipped model on a small labelled folder', async () => {
    const json = path.join(tmp, 'eval.json');
    const { stdout, stderr } = await sh('npx', ['msir', 'eval', '--model', 'node_modules/msir/public/models/msir-default', '--corpus', corpus, '--json', json, '--workers', '1'], app);
    expect(npmWarnings(stderr)).toEqual([]);
    for (const e of EMOTIONS) expect(stdout).toMatch(new RegExp(`^${e}\\s+\\d+\\.\\d`, 'm'));
    expect(stdout).toMatch(/^clips: 8 /m);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { n: number; summary: { uar: number }; clips: Array<{ probabilities: Record<string, number> }> };
    expect(report.n).toBe(8);
    for (const c of report.clips) for (const e of EMOTIONS) expect(c.probabilities[e]).toSatisfy((p: number) => Number.isFinite(p) && p >= 0 && p <= 1);
    // Eight clips of speakers it never heard: far from certain, but well above chance (50).
    expect(report.summary.uar).toBeGreaterThan(60);
  });

  it('type-checks the example against the published declarations, and they are not `any`', async () => {
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    await sh(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
    writeFileSync(
      path.join(app, 'wrong.js'),
      `// @ts-check\nimport { Detector } from 'msir';\nconst d = await (await Detector.create({ model: '/m/' })).detect(new Float32Array(1), 16000);\nd.emotions.disgust.probability;\n`,
    );
    const err = await sh(process.execPath, [tsc, '-p', 'tsconfig.json'], app).then(() => null, (e: Error) => e.message);
    rmSync(path.join(app, 'wrong.js'));
    expect(err).toMatch(/wrong\.js.*error TS2339: Property 'disgust' does not exist/s);
  });

  it('in Chromium: detect() on a real clip through the example page, and the widget on a microphone', async () => {
    server = spawn(process.execPath, ['serve.mjs'], { cwd: app, env: { ...shellEnv(), PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
    origin = await new Promise<string>((resolve, reject) => {
      server!.stdout!.on('data', (b: Buffer) => {
        const m = /http:\/\/127\.0\.0\.1:\d+/.exec(b.toString());
        if (m) resolve(m[0]);
      });
      server!.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
    });
    mic = await makeFakeMic([ANGRY_CLIP]);
    browser = await launchChromium(fakeMicFlags(mic.wav));
    const page = await browser.newPage();
    const foreign: string[] = [];
    const failed: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !/^(blob|data):/.test(r.url())) foreign.push(r.url());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/`);

    await page.setInputFiles('#file', path.join(RAVDESS, ANGRY_CLIP));
    await page.waitForFunction(() => /"emotions"|error:/.test(document.getElementById('result')!.textContent ?? ''), undefined, { timeout: 180_000 });
    const text = await page.textContent('#result');
    expect(text).not.toMatch(/^error:/);
    const result = JSON.parse(text!) as { emotions: Record<string, { probability: number; positive: boolean }> };
    expect(Object.keys(result.emotions).sort()).toEqual([...EMOTIONS].sort());
    for (const e of EMOTIONS) expect(result.emotions[e]!.probability).toSatisfy((p: number) => Number.isFinite(p) && p >= 0 && p <= 1);
    // A strongly acted angry clip of a test speaker: angry must be the most probable of the four.
    const top = EMOTIONS.reduce((a, b) => (result.emotions[b]!.probability > result.emotions[a]!.probability ? b : a));
    expect(top).toBe('angry');

    await page.click('#widget button.toggle');
    const detail = await page.evaluate(
      () =>
        new Promise<{ emotions: string[] }>((resolve, reject) => {
          const el = document.getElementById('widget')!;
          el.addEventListener('error', (e) => reject(new Error((e as unknown as CustomEvent<{ message: string }>).detail.message)));
          el.addEventListener('detection', (e) => resolve({ emotions: Object.keys((e as CustomEvent<{ emotions: object }>).detail.emotions) }));
        }),
    );
    expect(detail.emotions.sort()).toEqual([...EMOTIONS].sort());
    expect(await page.evaluate(() => document.getElementById('widget')!.shadowRoot!.querySelector('.rec-text')!.textContent)).toBe('Recording');
    expect({ foreign, failed, errors }).toEqual({ foreign: [], failed: [], errors: [] });
  });
});
