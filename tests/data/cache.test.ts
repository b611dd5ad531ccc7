import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAudioFile } from '../../src/audio/node.ts';
import type { Clip } from '../../src/eval/corpus/index.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import { LLD_DIMS } from '../../src/features/types.ts';
import { decodeEntry, encodeEntry } from '../../training/data/cache-format.ts';
import { extractAll, featureCodeHash, moduleClosure, STALE_AFTER_MS, touchAndPrune } from '../../training/data/cache.ts';
import { loadCorpus } from '../../training/data/corpus.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const shared = path.resolve(repoRoot, '../shared');
const tmp = mkdtempSync(path.join(tmpdir(), 'msir-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const listBins = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.bin'))
    .map((e) => path.join(e.parentPath, e.name));

describe('cache file format', () => {
  it('round-trips arrays and metadata and rejects damage', () => {
    const entry = { meta: { a: 3, b: 1.5 }, arrays: { x: new Float32Array([1, -2.5, 3e9]), y: new Float32Array(0), z: Float32Array.of(Math.PI) } };
    const bytes = encodeEntry(entry);
    expect(decodeEntry(bytes, 't')).toEqual(entry);
    expect(() => decodeEntry(bytes.subarray(0, bytes.length - 4), 't')).toThrow(/corrupt/);
    expect(() => decodeEntry(new Uint8Array(16), 't')).toThrow(/corrupt/);
  });
});

describe('featureCodeHash', () => {
  it('covers exactly the modules the extraction path imports', () => {
    const files = moduleClosure([path.join(repoRoot, 'src/audio/node.ts'), path.join(repoRoot, 'src/features/extractor.ts')]).map((f) =>
      path.relative(repoRoot, f),
    );
    for (const f of ['src/audio/flac.ts', 'src/audio/resample.ts', 'src/features/logmel.ts', 'src/features/lld/index.ts', 'src/features/lld/pitch/index.ts']) {
      expect(files).toContain(f);
    }
    expect(files.some((f) => f.startsWith('src/model/') || f.startsWith('src/detector/') || f.startsWith('src/audio/capture/'))).toBe(false);
    expect(featureCodeHash()).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('touchAndPrune', () => {
  it('deletes only cache folders unused for a day', async () => {
    const dir = path.join(tmp, 'prune');
    const current = path.join(dir, 'features-aaaaaaaaaaaaaaaa');
    const recent = path.join(dir, 'features-bbbbbbbbbbbbbbbb');
    const stale = path.join(dir, 'w2v-cccccccccccccccc');
    const other = path.join(dir, 'notes');
    for (const d of [recent, stale, other]) mkdirSync(d, { recursive: true });
    const old = (Date.now() - STALE_AFTER_MS - 60_000) / 1000;
    utimesSync(stale, old, old);
    utimesSync(other, old, old);
    expect(await touchAndPrune(dir, [current])).toEqual([stale]);
    expect([current, recent, other].every((d) => existsSync(d))).toBe(true);
    expect(existsSync(path.join(current, 'last-used'))).toBe(true);
  });
});

describe('extractAll', () => {
  it('extracts with workers, matches the in-process extractor, reuses the cache, and reports bad clips', async () => {
    // The 5 shortest EmoDB clips keep this fast.
    const emodb = await loadCorpus(path.join(shared, 'corpora/emodb'));
    const short = [...emodb].sort((a, b) => statSync(a.path).size - statSync(b.path).size).slice(0, 5);
    const broken = path.join(tmp, 'broken.flac');
    writeFileSync(broken, 'not audio at all');
    const bad: Clip = { id: 'x:broken', path: broken, corpus: 'x', speaker: 'x1', emotion: 'sad', label: 'sad' };
    const missing: Clip = { ...bad, id: 'x:missing', path: path.join(tmp, 'missing.flac') };
    const clips = [...short, bad, missing];
    const cacheDir = path.join(tmp, 'cache');

    const errors: string[] = [];
    let ticks = 0;
    const first = await extractAll(clips, { cacheDir, workers: 2, onProgress: () => ticks++, onError: (c) => errors.push(c.id) });
    expect(ticks).toBe(clips.length);
    expect(errors.sort()).toEqual(['x:broken', 'x:missing']);
    expect([...first.keys()].sort()).toEqual(short.map((c) => c.id).sort());

    const direct = new FeatureExtractor().extract(await readAudioFile(short[0].path));
    const got = first.get(short[0].id)!.features;
    expect(got.lldFrames).toBe(direct.lldFrames);
    expect(got.lld.length).toBe(direct.lldFrames * LLD_DIMS);
    expect(got.logmelFrames).toBe(direct.logmelFrames);
    expect(Array.from(got.lld)).toEqual(Array.from(direct.lld));
    expect(Array.from(got.logmel)).toEqual(Array.from(direct.logmel));
    expect(got.durationSec).toBeCloseTo(direct.durationSec, 6);

    const featDir = path.join(cacheDir, `features-${featureCodeHash()}`);
    const files = listBins(featDir);
    expect(files).toHaveLength(5);
    const mtimes = files.map((f) => statSync(f).mtimeMs);

    // Second run: everything from the cache, nothing rewritten, identical values.
    const second = await extractAll(short, { cacheDir, onProgress: () => {} });
    expect(files.map((f) => statSync(f).mtimeMs)).toEqual(mtimes);
    expect(Array.from(second.get(short[0].id)!.features.lld)).toEqual(Array.from(direct.lld));

    // A different feature config key: a separate folder, extracted again.
    await extractAll(short.slice(0, 1), { cacheDir, configKey: 'other', onProgress: () => {}, workers: 1 });
    const dirs = readdirSync(cacheDir).filter((d) => d.startsWith('features-'));
    expect(dirs).toHaveLength(2);

    // Speed perturbation (msir train --speed): its own folder, 1/s as many frames, cached like the rest.
    const fast = await extractAll(short.slice(0, 1), { cacheDir, speed: 1.25, onProgress: () => {}, workers: 1 });
    const ff = fast.get(short[0].id)!.features;
    expect(Math.abs(ff.lldFrames - direct.lldFrames / 1.25)).toBeLessThan(3);
    expect(readdirSync(cacheDir).filter((d) => d.startsWith('features-'))).toHaveLength(3);
    const fastAgain = await extractAll(short.slice(0, 1), { cacheDir, speed: 1.25, onProgress: () => {}, workers: 1 });
    expect(Array.from(fastAgain.get(short[0].id)!.features.lld)).toEqual(Array.from(ff.lld));
    expect(readdirSync(cacheDir).filter((d) => d.startsWith('features-'))).toHaveLength(3);
  });

  it('adds wav2vec2 features from a model folder and caches them separately', async () => {
    const emodb = await loadCorpus(path.join(shared, 'corpora/emodb'));
    const clip = [...emodb].sort((a, b) => statSync(a.path).size - statSync(b.path).size)[0];
    const cacheDir = path.join(tmp, 'cache-w2v');
    const model = path.join(repoRoot, 'tests/fixtures/wav2vec2-tiny');
    const r = await extractAll([clip], { cacheDir, wav2vec2: model, workers: 1, onProgress: () => {} });
    const w2v = r.get(clip.id)!.w2v!;
    expect(w2v.frames).toBeGreaterThan(0);
    expect(w2v.data.length).toBe(w2v.frames * w2v.hidden);
    // ~50 Hz frames over the clip
    expect(Math.abs(w2v.frames - r.get(clip.id)!.features.durationSec * 50)).toBeLessThan(3);
    const again = await extractAll([clip], { cacheDir, wav2vec2: model, onProgress: () => {} });
    expect(Array.from(again.get(clip.id)!.w2v!.data)).toEqual(Array.from(w2v.data));
    expect(readdirSync(cacheDir).filter((d) => d.startsWith('w2v-'))).toHaveLength(1);
    // A gain (msir eval --gain-db) reaches the encoder too: its features are cached apart, not mixed in.
    const quiet = await extractAll([clip], { cacheDir, wav2vec2: model, gainDb: -20, workers: 1, onProgress: () => {} });
    expect(Array.from(quiet.get(clip.id)!.w2v!.data)).not.toEqual(Array.from(w2v.data));
    expect(readdirSync(cacheDir).filter((d) => d.startsWith('w2v-'))).toHaveLength(2);
    const again2 = await extractAll([clip], { cacheDir, wav2vec2: model, onProgress: () => {} });
    expect(Array.from(again2.get(clip.id)!.w2v!.data)).toEqual(Array.from(w2v.data));
  });
});
