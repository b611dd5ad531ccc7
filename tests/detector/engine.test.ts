// DetectionEngine (what the worker runs) in Node on a tiny model folder: identical to FeatureExtractor +
// loadPredictor on a real clip, no tensor leaks, and typed errors for missing/invalid models and bad audio.
// Speaker normalisation: the session/global/speaker modes are exactly SpeakerStats + the predictor.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioFile } from '../../src/audio/node.ts';
import { DetectionEngine } from '../../src/detector/engine.ts';
import { DetectorError } from '../../src/detector/errors.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import { fitSpeakerNormSpec, SpeakerStats, type SpeakerMoments, type SpeakerNormSpec } from '../../src/features/speaker-norm.ts';
import type { Features } from '../../src/features/types.ts';
import type { Detection } from '../../src/detector/types.ts';
import { initWeights } from '../../src/model/graph.ts';
import { MODEL_FILE, saveModelDir } from '../../src/model/io.ts';
import { loadPredictor } from '../../src/model/load.ts';
import type { Branch, ModelManifest } from '../../src/model/manifest.ts';
import { buildMsirModel } from '../../src/model/msir.ts';
import { makeConfig } from '../../src/model/presets.ts';

const CLIP = path.resolve(import.meta.dirname, '../../../shared/corpora/ravdess/audio/Actor_21/03-01-05-02-01-01-21.flac');
const dirs: string[] = [];

async function modelDir(branches: Branch[], encoder: ModelManifest['encoder'] = null, speakerNormalisation?: SpeakerNormSpec): Promise<string> {
  const cfg = makeConfig('tiny', branches);
  if (encoder) cfg.inputs = { ...cfg.inputs, w2vHidden: encoder.hiddenSize };
  const model = buildMsirModel(cfg, 3);
  initWeights(model, 3);
  const dir = mkdtempSync(path.join(tmpdir(), 'msir-engine-'));
  dirs.push(dir);
  await saveModelDir(model, dir);
  model.dispose();
  const manifest: ModelManifest = {
    formatVersion: 1,
    name: 'engine-test',
    arch: 'msir',
    branches,
    inputs: { logmel: '2d', lld: '3d', ...(branches.includes('w2v') ? { w2v: { hiddenSize: cfg.inputs.w2vHidden } } : {}) },
    features: { sampleRate: 16000, frameStepSec: 0.01, logmelBands: 40, lldCount: 65 },
    ...(speakerNormalisation ? { speakerNormalisation } : {}),
    normalisation: { logmel: { mean: Array(80).fill(-4), std: Array(80).fill(3) }, lld: { mean: Array(195).fill(0), std: Array(195).fill(5) } },
    emotions: ['happy', 'neutral', 'sad', 'angry'],
    thresholds: [0.5, 0.45, 0.55, 0.3],
    encoder: branches.includes('w2v') ? (encoder ?? { name: 'wav2vec2-test', hiddenSize: cfg.inputs.w2vHidden, sha256: '0'.repeat(64) }) : null,
    training: { corpora: [{ name: 'RAVDESS', licence: 'CC BY-NC-SA 4.0' }], seed: 3, commit: 'test', date: '2026-11-24' },
    metrics: {},
    msir: { modelFile: MODEL_FILE, config: cfg },
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

let dir: string;
let clip: Float32Array;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await modelDir(['cr', 'lld']);
  clip = await readAudioFile(CLIP);
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DetectorError);
    return (err as DetectorError).code;
  }
  return 'no error';
}

describe('DetectionEngine', () => {
  it('gives exactly what FeatureExtractor + loadPredictor give on a real clip, and leaks no tensors', async () => {
    const engine = await DetectionEngine.create({ model: dir });
    const ref = await loadPredictor(dir);
    const expected = await ref.predict({ features: new FeatureExtractor().extract(clip) });
    ref.dispose();
    await engine.run(clip, 0, 1); // first run may create lazily-built tensors
    const before = tf.memory().numTensors;
    const d = await engine.run(clip, 1.5, 5.87);
    expect(tf.memory().numTensors).toBe(before);
    const th = engine.predictor.manifest.thresholds;
    (['happy', 'neutral', 'sad', 'angry'] as const).forEach((e, i) => {
      expect(d.emotions[e].probability).toBe(expected.probabilities[i]);
      expect(d.emotions[e].positive).toBe(expected.probabilities[i]! >= th[i]!);
    });
    for (const b of ['cr', 'lld'] as const) {
      expect(Array.from(d.attention[b]!)).toEqual(Array.from(expected.attention[b]!));
      expect(d.attention[b]!.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
    }
    expect(d.start).toBe(1.5);
    expect(d.end).toBe(5.87);
    expect(d.timings.featuresMs).toBeGreaterThan(0);
    expect(d.timings.modelMs).toBeGreaterThan(0);
    expect(d.timings.sslMs).toBeLessThan(1);
    await engine.dispose();
  });

  it('runs the shipped default model on level-normalised audio: 20 dB quieter, same answers', async () => {
    const shipped = path.resolve(import.meta.dirname, '../../public/models/msir-default');
    const engine = await DetectionEngine.create({ model: shipped });
    expect(engine.predictor.manifest.features.levelDb).toBe(-26);
    const normal = await engine.run(clip, 0, clip.length / 16000);
    // A speaker-normalised default adapts to its session: start the quiet run from the same (empty)
    // session, so both runs see one clip's statistics and only the level differs.
    engine.resetSession();
    const quiet = await engine.run(clip.map((v) => v * 0.1), 0, clip.length / 16000);
    expect(quiet.normalisation?.speechSec ?? 0).toBeCloseTo(normal.normalisation?.speechSec ?? 0, 1);
    expect(quiet.signal.loudestDbfs).toBeCloseTo(normal.signal.loudestDbfs - 20, 3); // the raw level is still reported
    for (const e of ['happy', 'neutral', 'sad', 'angry'] as const) {
      expect(Math.abs(quiet.emotions[e].probability - normal.emotions[e].probability)).toBeLessThan(0.03);
    }
    expect(normal.emotions.angry.positive).toBe(true); // a strong angry RAVDESS test-speaker clip
    await engine.dispose();
  });

  it('reports the signal level: speech is neither silent nor clipped, digital silence is silent', async () => {
    const engine = await DetectionEngine.create({ model: dir });
    const speech = await engine.run(clip, 0, clip.length / 16000);
    expect(speech.signal.silent).toBe(false);
    expect(speech.signal.clipped).toBe(false);
    const quiet = await engine.run(new Float32Array(16000), 0, 1);
    expect(quiet.signal.silent).toBe(true);
    expect(quiet.signal.peakDbfs).toBe(Number.NEGATIVE_INFINITY);
    await engine.dispose();
  });

  it('rejects bad audio with bad-input', async () => {
    const engine = await DetectionEngine.create({ model: dir });
    const nan = clip.slice(0, 16000);
    nan[100] = Number.NaN;
    expect(await code(engine.run(nan, 0, 1))).toBe('bad-input');
    expect(await code(engine.run(new Float32Array(0), 0, 0))).toBe('bad-input');
    expect(await code(engine.run(new Float32Array(800), 0, 0.05))).toBe('bad-input');
    await engine.dispose();
  });

  it('types model problems: missing folder, invalid manifest, wav2vec2 branch without an encoder', async () => {
    expect(await code(DetectionEngine.create({ model: path.join(dir, 'nope') }))).toBe('model-not-found');
    const bad = mkdtempSync(path.join(tmpdir(), 'msir-engine-bad-'));
    dirs.push(bad);
    writeFileSync(path.join(bad, 'manifest.json'), JSON.stringify({ formatVersion: 1, name: 'broken' }));
    expect(await code(DetectionEngine.create({ model: bad }))).toBe('invalid-manifest');
    const w2v = await modelDir(['cr', 'lld', 'w2v']);
    expect(await code(DetectionEngine.create({ model: w2v, wav2vec2: false }))).toBe('wav2vec2-unavailable');
    expect(await code(DetectionEngine.create({ model: w2v, wav2vec2: { model: path.join(w2v, 'no-encoder') } }))).toBe('wav2vec2-unavailable');
  });

  it('runs a three-branch model with a wav2vec2 encoder (tiny fixture), and refuses a different encoder', async () => {
    const { Wav2Vec2Encoder } = await import('../../src/ssl/encoder.ts');
    const fixture = path.resolve(import.meta.dirname, '../fixtures/wav2vec2-tiny');
    const enc = await Wav2Vec2Encoder.load({ model: fixture });
    const identity = { name: enc.info.name, hiddenSize: enc.info.hiddenSize, sha256: enc.info.sha256 };
    await enc.dispose();
    const dir3 = await modelDir(['cr', 'lld', 'w2v'], identity);
    const engine = await DetectionEngine.create({ model: dir3, wav2vec2: { model: fixture } });
    expect(engine.wav2vec2Info?.sha256).toBe(identity.sha256);
    const d = await engine.run(clip, 0, clip.length / 16000);
    expect(d.timings.sslMs).toBeGreaterThan(0);
    for (const b of ['cr', 'lld', 'w2v'] as const) expect(d.attention[b]!.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
    // Roughly 50 Hz wav2vec2 frames (before the branch's time pooling).
    expect(d.attention.w2v!.length).toBeGreaterThan(10);
    await engine.dispose();
    const other = await modelDir(['cr', 'lld', 'w2v'], { ...identity, sha256: 'f'.repeat(64) });
    expect(await code(DetectionEngine.create({ model: other, wav2vec2: { model: fixture } }))).toBe('wav2vec2-unavailable');
  });
});

describe('DetectionEngine with speaker normalisation', () => {
  const ACTOR = path.resolve(import.meta.dirname, '../../../shared/corpora/ravdess/audio/Actor_21');
  const NAMES = ['03-01-01-01-01-01-21', '03-01-03-02-01-01-21', '03-01-04-02-02-01-21', '03-01-05-02-01-02-21'];
  let spec: SpeakerNormSpec;
  let snDir: string;
  let audio: Float32Array[];
  let feats: Features[];
  const ex = new FeatureExtractor();
  const probs = (d: Detection): number[] => (['happy', 'neutral', 'sad', 'angry'] as const).map((e) => d.emotions[e].probability);
  const maxDiff = (a: number[], b: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
  /** What the predictor gives on features normalised by `stats` (the reference: SpeakerStats + loadPredictor). */
  async function reference(stats: SpeakerStats, f: Features): Promise<number[]> {
    const p = await loadPredictor(snDir);
    try {
      return Array.from((await p.predict({ features: stats.normalise(f) })).probabilities);
    } finally {
      p.dispose();
    }
  }

  beforeAll(async () => {
    audio = await Promise.all(NAMES.map((n) => readAudioFile(path.join(ACTOR, `${n}.flac`))));
    feats = audio.map((a) => ex.extract(a));
    // A prior fitted on other speakers' clips, worth 300 frames: the session moves it visibly.
    const others = await Promise.all(['Actor_01/03-01-01-01-01-01-01', 'Actor_02/03-01-05-01-01-01-02'].map((n) => readAudioFile(path.resolve(ACTOR, '..', `${n}.flac`))));
    spec = fitSpeakerNormSpec(others.map((a) => ex.extract(a)), { priorFrames: 300 });
    snDir = await modelDir(['cr', 'lld'], null, spec);
  });

  it("'session' accumulates the statistics of every clip run so far (this one included), and resetSession starts again", async () => {
    const engine = await DetectionEngine.create({ model: snDir });
    const stats = new SpeakerStats(spec);
    const seen: number[][] = [];
    let worst = 0;
    for (let i = 0; i < audio.length; i++) {
      const d = await engine.run(audio[i]!, 0, 1);
      stats.add(feats[i]!);
      worst = Math.max(worst, maxDiff(probs(d), await reference(stats, feats[i]!)));
      expect(d.normalisation).toEqual({ mode: 'session', speechSec: stats.frames * 0.01 });
      expect(engine.sessionSpeechSec).toBeCloseTo(stats.frames * 0.01, 9);
      seen.push(probs(d));
    }
    expect(worst).toBeLessThan(1e-6);
    expect(stats.frames).toBeGreaterThan(500);
    // The session changed the answers: the same first clip now, with all four clips in the statistics.
    const again = await engine.run(audio[0]!, 0, 1);
    expect(maxDiff(probs(again), seen[0]!)).toBeGreaterThan(1e-4);
    engine.resetSession();
    expect(engine.sessionSpeechSec).toBe(0);
    const fresh = await engine.run(audio[0]!, 0, 1);
    expect(maxDiff(probs(fresh), seen[0]!)).toBeLessThan(1e-7);
    await engine.dispose();
  });

  it("'global' uses the prior alone and leaves the session as it was", async () => {
    const engine = await DetectionEngine.create({ model: snDir });
    await engine.run(audio[1]!, 0, 1);
    await engine.run(audio[2]!, 0, 1);
    const before = engine.sessionSpeechSec;
    const d = await engine.run(audio[0]!, 0, 1, 'global');
    expect(d.normalisation).toEqual({ mode: 'global', speechSec: 0 });
    expect(engine.sessionSpeechSec).toBe(before);
    expect(maxDiff(probs(d), await reference(new SpeakerStats(spec), feats[0]!))).toBeLessThan(1e-6);
    await engine.dispose();
  });

  it('observe() moments, merged over clips, equal SpeakerStats over the same clips; a run with them matches', async () => {
    const engine = await DetectionEngine.create({ model: snDir });
    const merged = new SpeakerStats(spec);
    for (const a of audio) merged.addMoments(engine.observe(a)!);
    expect(engine.sessionSpeechSec).toBe(0); // observing is not running: the session is untouched
    const direct = new SpeakerStats(spec);
    for (const f of feats) direct.add(f);
    const [m, r] = [merged.toMoments(), direct.toMoments()];
    for (const k of ['logmel', 'lld'] as const) {
      expect(m[k].frames).toBe(r[k].frames);
      m[k].sum.forEach((v, c) => expect(Math.abs(v - r[k].sum[c]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(r[k].sum[c]!))));
      m[k].sumSq.forEach((v, c) => expect(Math.abs(v - r[k].sumSq[c]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, r[k].sumSq[c]!)));
    }
    const moments: SpeakerMoments = m;
    const d = await engine.run(audio[3]!, 0, 1, moments);
    expect(d.normalisation).toEqual({ mode: 'speaker', speechSec: direct.frames * 0.01 });
    expect(maxDiff(probs(d), await reference(direct, feats[3]!))).toBeLessThan(1e-6);
    expect(engine.sessionSpeechSec).toBe(0);
    await engine.dispose();
  });

  it('live options: only the new part of an overlapping window joins, silence never does, and a snapshot undoes a run', async () => {
    const engine = await DetectionEngine.create({ model: snDir });
    // A continuous-mode window whose first 1.5 s were counted with the previous window.
    await engine.run(audio[0]!, 0, 1, 'session', { addFromSec: 1.5 });
    expect(engine.sessionSpeechSec).toBeCloseTo(new SpeakerStats(spec).add(feats[0]!, 150).frames * 0.01, 9);
    const part = engine.sessionSpeechSec;
    expect(part).toBeGreaterThan(0);
    expect(part).toBeLessThan(new SpeakerStats(spec).add(feats[0]!).frames * 0.01);
    await engine.run(audio[1]!, 0, 1, 'session', { addFromSec: Infinity }); // a window without speech
    await engine.run(new Float32Array(16000), 0, 1); // digital silence
    expect(engine.sessionSpeechSec).toBe(part);
    // A speculative run whose utterance then grew: restoring the snapshot takes its frames out again.
    const snap = engine.sessionSnapshot();
    await engine.run(audio[2]!, 0, 1);
    expect(engine.sessionSpeechSec).toBeGreaterThan(part);
    engine.restoreSession(snap);
    expect(engine.sessionSpeechSec).toBe(part);
    // ... but never brings back statistics a reset dropped.
    const old = engine.sessionSnapshot();
    engine.resetSession();
    engine.restoreSession(old);
    expect(engine.sessionSpeechSec).toBe(0);
    await engine.dispose();
  });

  it('a model without speaker normalisation is unaffected: same answers whatever ran before, no session', async () => {
    const engine = await DetectionEngine.create({ model: dir });
    const first = await engine.run(audio[0]!, 0, 1);
    for (const a of audio.slice(1)) await engine.run(a, 0, 1);
    const again = await engine.run(audio[0]!, 0, 1);
    const global = await engine.run(audio[0]!, 0, 1, 'global');
    expect(probs(again)).toEqual(probs(first));
    expect(probs(global)).toEqual(probs(first));
    expect(first.normalisation).toBeUndefined();
    expect(engine.observe(audio[0]!)).toBeNull();
    expect(engine.sessionSpeechSec).toBe(0);
    expect(engine.sessionSnapshot()).toBeNull();
    await engine.dispose();
  });
});
