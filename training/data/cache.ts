// Feature cache: extract once per audio file and feature code version, store float32 on disk, reuse.
// Key per clip: absolute path + size + mtime. Invalidation: every cache file lives under a folder
// named by a hash of the source of every module the extraction path imports (decoding, resampling,
// log-Mel, LLDs), so any change to the extractor or its config starts a fresh folder. wav2vec2 features: under a folder named by a hash of
// the encoder code and the model folder's files (names, sizes, mtimes).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Clip } from '../../src/eval/corpus/index.ts';
import type { Features } from '../../src/features/types.ts';
import type { SslFeatures } from '../../src/model/predictor.ts';
import { augmentKey, planAugment, type AugmentPlan, type AugmentSpec } from '../augment/index.ts';
import { readEntry } from './cache-format.ts';
import { entryFeatures, entrySsl, type WorkerReply, type WorkerTask } from './cache-protocol.ts';
import { progressBar } from './progress.ts';

export interface CachedFeatures {
  features: Features;
  w2v?: SslFeatures;
}

export interface ExtractAllOptions {
  /** Default: <repo>/.cache/features (gitignored). */
  cacheDir?: string;
  /** wav2vec2 model folder: also compute (and cache) its features. */
  wav2vec2?: string;
  /** Worker threads (default: all cores). */
  workers?: number;
  /** Called after each clip (default: a progress bar on stderr). */
  onProgress?: (done: number, total: number) => void;
  /** Extra text mixed into the feature cache key (e.g. a non-default extractor config). */
  configKey?: string;
  /** Scale each clip to this active speech level (dBFS) before extracting (manifest features.levelDb). */
  levelDb?: number;
  /** Robustness checks: apply this gain (dB) to every clip first, as a quieter or louder microphone would. */
  gainDb?: number;
  /** Speed perturbation (training augmentation): play every clip this many times faster first. */
  speed?: number;
  /**
   * Training augmentation (after the speed): every clip becomes copy `copy` of `spec`, its transform chain
   * drawn from (seed, clip id, copy) by planAugment; babble is mixed from `pool` clips of other speakers.
   */
  augment?: { spec: AugmentSpec; seed: number; copy: number; pool: Clip[] };
  /** A clip that fails to decode/extract: called and left out of the result (default: warn on stderr). */
  onError?: (clip: Clip, message: string) => void;
}

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const DEFAULT_CACHE_DIR = path.join(REPO_ROOT, '.cache', 'features');
/** Bump when the cache file layout changes. */
const CACHE_FORMAT = 1;

function listFiles(dir: string, filter: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, filter));
    else if (filter(e.name)) out.push(p);
  }
  return out;
}

/** Relative .ts imports of a module, static and dynamic (a plain scan: these modules use literal specifiers). */
function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+\.ts)['"]/g)) {
    out.push(path.resolve(path.dirname(file), m[1]));
  }
  return out;
}

/** Every project file the given entry modules reach through relative imports, sorted. */
export function moduleClosure(entries: string[]): string[] {
  const seen = new Set<string>();
  const stack = [...entries];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f) || !existsSync(f)) continue;
    seen.add(f);
    stack.push(...localImports(f));
  }
  return [...seen].sort();
}

let featureHashMemo: string | null = null;
/**
 * Hash of the code that turns a file into Features: every module the worker's extraction path
 * (src/audio/node.ts → decode/resample, src/features/extractor.ts → log-Mel, LLDs) imports.
 */
export function featureCodeHash(): string {
  if (featureHashMemo) return featureHashMemo;
  const h = createHash('sha256').update(`format ${CACHE_FORMAT}\n`);
  const files = moduleClosure([path.join(REPO_ROOT, 'src/audio/node.ts'), path.join(REPO_ROOT, 'src/features/extractor.ts')]);
  for (const f of files) h.update(path.relative(REPO_ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  featureHashMemo = h.digest('hex').slice(0, 16);
  return featureHashMemo;
}

/** Hash of one module's code and its local imports (keys features that depend on that code). */
function codeHash(entry: string): string {
  const h = createHash('sha256');
  for (const f of moduleClosure([path.join(REPO_ROOT, entry)])) h.update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** Hash of the wav2vec2 encoder code and the model folder (file names, sizes, mtimes). */
export function sslHash(modelDir: string): string {
  const dir = path.resolve(modelDir);
  if (!existsSync(dir)) throw new Error(`wav2vec2 model folder not found: ${dir}`);
  const h = createHash('sha256').update(`format ${CACHE_FORMAT}\n`);
  for (const f of moduleClosure([path.join(REPO_ROOT, 'src/ssl/encoder.ts')])) h.update(readFileSync(f));
  for (const f of listFiles(dir, () => true)) {
    const s = statSync(f);
    h.update(`${path.relative(dir, f)}\0${s.size}\0${s.mtimeMs}\0`);
  }
  return h.digest('hex').slice(0, 16);
}

async function clipKey(file: string): Promise<string> {
  const s = await stat(file);
  return createHash('sha1').update(`${path.resolve(file)}\0${s.size}\0${s.mtimeMs}`).digest('hex');
}

/** Cache-folder key of an augmentation: the spec's draws (not its copy count: copy k is the same whatever
 *  N), the seed, the copy index and the augmentation code. */
function augmentConfigKey(a: NonNullable<ExtractAllOptions['augment']>): string {
  return `augment=${augmentKey(a.spec)};seed=${a.seed};copy=${a.copy};${codeHash('training/augment/index.ts')}`;
}

/** Each clip's plan; babble talkers come from `pool` (speakers told apart across corpora). */
function augmentPlans(clips: Clip[], a: NonNullable<ExtractAllOptions['augment']>): Map<string, AugmentPlan> {
  const speaker = (c: Clip): string => `${c.corpus}\0${c.speaker}`;
  const pool = a.pool.map((c) => ({ path: c.path, speaker: speaker(c) }));
  return new Map(clips.map((c) => [c.id, planAugment(a.spec, a.seed, { id: c.id, speaker: speaker(c) }, a.copy, pool)]));
}

/** Entry key of an augmented clip: its own key, its plan and the keys of the babble sources it reads. */
async function planKey(key: string, plan: AugmentPlan): Promise<string> {
  const h = createHash('sha1').update(key).update('\0').update(JSON.stringify(plan));
  for (const step of plan.steps) if (step.kind === 'babble') for (const p of step.sources) h.update('\0').update(await clipKey(p));
  return h.digest('hex');
}

/** Folders of a cache not used for this long are deleted (each code change leaves one behind). */
export const STALE_AFTER_MS = 24 * 3600 * 1000;
const LAST_USED = 'last-used';

/** Mark `dirs` as used now and delete sibling features-/w2v- folders unused for STALE_AFTER_MS. */
export async function touchAndPrune(cacheDir: string, dirs: string[], now = Date.now()): Promise<string[]> {
  for (const d of dirs) {
    await mkdir(d, { recursive: true });
    await writeFile(path.join(d, LAST_USED), new Date(now).toISOString());
  }
  const removed: string[] = [];
  for (const name of readdirSync(cacheDir)) {
    const d = path.join(cacheDir, name);
    if (!/^(features|w2v)-[0-9a-f]{16}(-[a-z0-9.-]+)?$/.test(name) || dirs.includes(d)) continue;
    const marker = path.join(d, LAST_USED);
    const used = existsSync(marker) ? statSync(marker).mtimeMs : statSync(d).mtimeMs;
    if (now - used > STALE_AFTER_MS) {
      await rm(d, { recursive: true, force: true });
      removed.push(d);
    }
  }
  return removed;
}

const entryPath = (dir: string, key: string): string => path.join(dir, key.slice(0, 2), `${key.slice(2)}.bin`);

/** A pool of extraction workers, each running cache-worker.ts through tsx. */
class WorkerPool {
  private readonly workers: Worker[] = [];
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();

  constructor(size: number) {
    const entry = new URL('./cache-worker.ts', import.meta.url).href;
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./ts-worker.mjs', import.meta.url), { workerData: { entry } });
      w.on('message', (msg: WorkerReply | { ready: true }) => {
        if ('ready' in msg) return;
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.resolve(msg);
      });
      w.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      this.workers.push(w);
    }
  }

  /** Run tasks with one in flight per worker; results in completion order via onReply. */
  async run(tasks: Omit<WorkerTask, 'id'>[], onReply: (index: number, reply: WorkerReply) => void): Promise<void> {
    let next = 0;
    const loop = async (w: Worker): Promise<void> => {
      while (next < tasks.length) {
        const index = next++;
        const id = this.nextId++;
        const reply = await new Promise<WorkerReply>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          w.postMessage({ ...tasks[index], id } satisfies WorkerTask);
        });
        onReply(index, reply);
      }
    };
    await Promise.all(this.workers.map(loop));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Features (and wav2vec2 features when asked) for every clip, by clip id: read from the cache, or
 * extracted by worker threads and cached. Clips that fail are reported via onError and left out.
 */
export async function extractAll(clips: Clip[], opts: ExtractAllOptions = {}): Promise<Map<string, CachedFeatures>> {
  const cacheDir = path.resolve(opts.cacheDir ?? DEFAULT_CACHE_DIR);
  // Level-normalised features live apart from raw ones, keyed by the target and the normaliser's code.
  const speed = opts.speed !== undefined && opts.speed !== 1 ? opts.speed : undefined;
  const configKey = [
    opts.configKey,
    opts.gainDb === undefined || opts.gainDb === 0 ? undefined : `gainDb=${opts.gainDb}`,
    speed === undefined ? undefined : `speed=${speed};${codeHash('training/augment/speed.ts')}`,
    opts.levelDb === undefined ? undefined : `levelDb=${opts.levelDb};${codeHash('src/audio/normalise-level.ts')}`,
    opts.augment === undefined ? undefined : augmentConfigKey(opts.augment),
  ]
    .filter((k) => k !== undefined)
    .join('\0');
  const featHash = configKey
    ? createHash('sha256').update(`${featureCodeHash()}\0${configKey}`).digest('hex').slice(0, 16)
    : featureCodeHash();
  const featDir = path.join(cacheDir, `features-${featHash}`);
  const w2vModel = opts.wav2vec2 ? path.resolve(opts.wav2vec2) : null;
  // wav2vec2 encodes the gained, speed-perturbed, augmented audio as well (never the level-normalised one): key its folder by all three.
  const augSuffix = opts.augment ? `-aug${createHash('sha256').update(augmentConfigKey(opts.augment)).digest('hex').slice(0, 12)}` : '';
  const audioSuffix = `${opts.gainDb ? `-gain${opts.gainDb}` : ''}${speed ? `-speed${speed}` : ''}${augSuffix}`;
  const w2vDir = w2vModel ? path.join(cacheDir, `w2v-${sslHash(w2vModel)}${audioSuffix}`) : null;
  const onError =
    opts.onError ?? ((clip: Clip, message: string) => process.stderr.write(`features: ${clip.id}: ${message}\n`));
  const bar = opts.onProgress ? null : progressBar('features', clips.length);
  const progress = opts.onProgress ?? ((): void => bar?.tick());
  await touchAndPrune(cacheDir, w2vDir ? [featDir, w2vDir] : [featDir]);
  const result = new Map<string, CachedFeatures>();
  const plans = opts.augment ? augmentPlans(clips, opts.augment) : null;
  const tasks: Array<Omit<WorkerTask, 'id'>> = [];
  const taskClips: Clip[] = [];
  let done = 0;

  for (const clip of clips) {
    if (result.has(clip.id)) continue;
    let key: string;
    try {
      key = await clipKey(clip.path);
      // An augmented copy also depends on its plan and on the babble clips it mixes in.
      const plan = plans?.get(clip.id);
      if (plan) key = await planKey(key, plan);
    } catch (err) {
      onError(clip, `cannot read ${clip.path}: ${err instanceof Error ? err.message : String(err)}`);
      progress(++done, clips.length);
      continue;
    }
    const fFile = entryPath(featDir, key);
    const wFile = w2vDir ? entryPath(w2vDir, key) : null;
    const item: Partial<CachedFeatures> = {};
    if (existsSync(fFile)) {
      try {
        item.features = entryFeatures(await readEntry(fFile));
      } catch {
        // corrupt entry: extract again (the atomic rewrite replaces it)
      }
    }
    if (wFile && existsSync(wFile)) {
      try {
        item.w2v = entrySsl(await readEntry(wFile));
      } catch {
        // as above
      }
    }
    if (item.features && (!wFile || item.w2v)) {
      result.set(clip.id, item as CachedFeatures);
      progress(++done, clips.length);
      continue;
    }
    if (item.features) result.set(clip.id, item as CachedFeatures); // w2v still missing
    tasks.push({
      path: clip.path,
      featuresOut: item.features ? undefined : fFile,
      ...(opts.levelDb !== undefined ? { levelDb: opts.levelDb } : {}),
      ...(opts.gainDb ? { gainDb: opts.gainDb } : {}),
      ...(speed ? { speed } : {}),
      ...(plans ? { augment: plans.get(clip.id)! } : {}),
      w2v: wFile && !item.w2v && w2vModel ? { model: w2vModel, out: wFile } : undefined,
    });
    taskClips.push(clip);
  }

  if (tasks.length > 0) {
    const size = Math.max(1, Math.min(opts.workers ?? availableParallelism(), tasks.length));
    const pool = new WorkerPool(size);
    try {
      await pool.run(tasks, (i, reply) => {
        const clip = taskClips[i];
        if (!reply.ok) {
          result.delete(clip.id); // all or nothing per clip
          onError(clip, reply.error ?? 'extraction failed');
        } else {
          const prev = result.get(clip.id);
          const features = reply.features ? entryFeatures(reply.features) : prev?.features;
          if (features) result.set(clip.id, { features, ...(reply.w2v ? { w2v: entrySsl(reply.w2v) } : {}) });
        }
        progress(++done, clips.length);
      });
    } finally {
      await pool.close();
    }
  }
  bar?.done(`(${tasks.length} extracted, ${clips.length - tasks.length} cached)`);
  return result;
}
