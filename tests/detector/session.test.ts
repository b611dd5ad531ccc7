// ListenSession (the worker's live loop) in Node: real speech at 48 kHz through a MessagePort, Silero VAD
// on onnxruntime-node, a tiny model: utterances come out where the speech is, continuous mode hops on
// audio time, a hidden tab (pause) closes the open utterance and ignores audio. With a speaker-normalised
// model, every stretch of speech joins the session's statistics once (no speculative or overlapping
// window counts twice).
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioFile } from '../../src/audio/node.ts';
import { resample } from '../../src/audio/resample.ts';
import { SileroVad, type OrtRuntime } from '../../src/audio/vad/silero.ts';
import { DetectionEngine } from '../../src/detector/engine.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import { fitSpeakerNormSpec } from '../../src/features/speaker-norm.ts';
import type { FromWorker } from '../../src/detector/protocol.ts';
import type { Detection } from '../../src/detector/types.ts';
import { ListenSession } from '../../src/detector/worker/session.ts';
import { initWeights } from '../../src/model/graph.ts';
import { MODEL_FILE, saveModelDir } from '../../src/model/io.ts';
import { buildMsirModel } from '../../src/model/msir.ts';
import { makeConfig } from '../../src/model/presets.ts';

const RAVDESS = path.resolve(import.meta.dirname, '../../../shared/corpora/ravdess');
const require = createRequire(import.meta.url);
let dir: string;
let engine: DetectionEngine;
let snEngine: DetectionEngine;
let snDir: string;
let clipSec = 0;
let ort: OrtRuntime;
let silero: Uint8Array;
let audio48k: Float32Array;
/** Where the two clips are in the 16 kHz timeline (seconds). */
const spans: Array<[number, number]> = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const cfg = makeConfig('tiny', ['cr', 'lld']);
  const model = buildMsirModel(cfg, 2);
  initWeights(model, 2);
  dir = mkdtempSync(path.join(tmpdir(), 'msir-session-'));
  await saveModelDir(model, dir);
  model.dispose();
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      formatVersion: 1, name: 'session-test', arch: 'msir', branches: ['cr', 'lld'], inputs: { logmel: '2d', lld: '3d' },
      features: { sampleRate: 16000, frameStepSec: 0.01, logmelBands: 40, lldCount: 65 },
      normalisation: { logmel: { mean: Array(80).fill(-4), std: Array(80).fill(3) }, lld: { mean: Array(195).fill(0), std: Array(195).fill(5) } },
      emotions: ['happy', 'neutral', 'sad', 'angry'], thresholds: [0.5, 0.5, 0.5, 0.5], encoder: null,
      training: { corpora: [], seed: 2, commit: 'test', date: '2026-11-24' }, metrics: {}, msir: { modelFile: MODEL_FILE, config: cfg },
    }),
  );
  engine = await DetectionEngine.create({ model: dir });
  // The same model with speaker normalisation (a prior fitted on two other speakers' clips).
  const ex = new FeatureExtractor();
  const others = await Promise.all(['audio/Actor_01/03-01-01-01-01-01-01.flac', 'audio/Actor_02/03-01-05-01-01-01-02.flac'].map((c) => readAudioFile(path.join(RAVDESS, c))));
  snDir = mkdtempSync(path.join(tmpdir(), 'msir-session-sn-'));
  await saveModelDir(model2(cfg), snDir);
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(snDir, 'manifest.json'), JSON.stringify({ ...manifest, speakerNormalisation: fitSpeakerNormSpec(others.map((a) => ex.extract(a))) }));
  snEngine = await DetectionEngine.create({ model: snDir });
  ort = (await import('onnxruntime-node')) as unknown as OrtRuntime;
  silero = new Uint8Array(await readFile(require.resolve('@ricky0123/vad-web/dist/silero_vad_v5.onnx')));
  // 1.5 s silence, clip, 1.5 s silence, clip, 1.5 s silence — at 16 kHz, then up to 48 kHz like a microphone.
  const clips = await Promise.all(['audio/Actor_19/03-01-05-02-01-02-19.flac', 'audio/Actor_20/03-01-01-01-01-01-20.flac'].map((c) => readAudioFile(path.join(RAVDESS, c))));
  const gap = 24000;
  const x16 = new Float32Array(clips.reduce((a, c) => a + c.length + gap, gap));
  let o = gap;
  for (const c of clips) {
    clipSec += c.length / 16000;
    x16.set(c, o);
    spans.push([o / 16000, (o + c.length) / 16000]);
    o += c.length + gap;
  }
  audio48k = await resample(x16, 16000, 48000);
});

afterAll(async () => {
  await engine?.dispose();
  await snEngine?.dispose();
  rmSync(dir, { recursive: true, force: true });
  if (snDir) rmSync(snDir, { recursive: true, force: true });
});

/** A tiny model's weights for the speaker-normalised copy (same seed as the plain one). */
function model2(cfg: ReturnType<typeof makeConfig>): ReturnType<typeof buildMsirModel> {
  const m = buildMsirModel(cfg, 2);
  initWeights(m, 2);
  return m;
}

/** Feeds audio48k in 64 ms chunks through a real MessagePort, as the worklet does. */
async function drive(
  mode: 'utterance' | 'continuous',
  pauseAtSec?: number,
  eng: DetectionEngine = engine,
  /** Wall-clock ms to wait after each 64 ms chunk (0: as fast as possible, audio time outruns compute). */
  chunkDelayMs = 0,
): Promise<{ detections: Detection[]; states: string[]; session: ListenSession; events: Array<{ type: 'provisional' | 'detection'; detection: Detection }> }> {
  const channel = new MessageChannel();
  const detections: Detection[] = [];
  const states: string[] = [];
  const events: Array<{ type: 'provisional' | 'detection'; detection: Detection }> = [];
  const post = (m: FromWorker): void => {
    if (m.type === 'detection' || m.type === 'provisional') events.push({ type: m.type, detection: m.detection });
    if (m.type === 'detection') detections.push(m.detection);
    else if (m.type === 'state') states.push(m.event.state);
    else if (m.type === 'stream-error') throw new Error(m.error.message);
  };
  const vad = mode === 'utterance' ? await SileroVad.create(ort, silero, ['cpu']) : null;
  const session = new ListenSession({ id: 1, port: channel.port2 as unknown as MessagePort, sampleRate: 48000, mode, windowSec: 3, hopSec: 0.8 }, eng, vad, post);
  await session.start();
  const chunk = 3072;
  for (let i = 0; i < audio48k.length; i += chunk) {
    if (pauseAtSec !== undefined && i >= pauseAtSec * 48000 && i < pauseAtSec * 48000 + chunk) session.setPaused(true);
    channel.port1.postMessage(audio48k.slice(i, i + chunk));
    if (chunkDelayMs > 0) await new Promise((r) => setTimeout(r, chunkDelayMs));
    else if ((i / chunk) % 8 === 0) await new Promise((r) => setTimeout(r, 0));
  }
  await new Promise((r) => setTimeout(r, 50));
  await session.stop();
  await vad?.dispose();
  channel.port1.close();
  return { detections, states, session, events };
}

describe('ListenSession', () => {
  it('utterance mode: one detection per spoken clip, inside the clip', async () => {
    const { detections, states } = await drive('utterance');
    expect(detections).toHaveLength(2);
    detections.forEach((d, k) => {
      const [a, b] = spans[k]!;
      expect(d.start).toBeGreaterThanOrEqual(a - 0.3);
      expect(d.end).toBeLessThanOrEqual(b + 0.6);
      expect(d.end - d.start).toBeGreaterThan(1);
    });
    expect(states.filter((s) => s === 'speech')).toHaveLength(2);
    expect(states.at(-1)).toBe('stopped');
  });

  it('utterance mode: a provisional result comes as speech pauses, and the confirmed detection repeats it', async () => {
    // Audio at 4× real time: the hangover (480 ms of audio) lasts 120 ms of wall time, enough for the
    // tiny model's speculative run to finish first.
    const { detections, events } = await drive('utterance', undefined, engine, 16);
    expect(detections).toHaveLength(2);
    const provisional = events.filter((e) => e.type === 'provisional');
    expect(provisional.length).toBeGreaterThanOrEqual(1);
    for (const p of provisional) {
      const at = events.indexOf(p);
      // Confirmed later: the next detection has the same span and the same numbers.
      const confirmed = events.slice(at + 1).find((e) => e.type === 'detection');
      expect(confirmed).toBeDefined();
      expect(confirmed!.detection.start).toBe(p.detection.start);
      expect(confirmed!.detection.end).toBe(p.detection.end);
      expect(confirmed!.detection.emotions).toEqual(p.detection.emotions);
    }
  });

  it('continuous mode: windows of ≤ 3 s every 0.8 s of audio', async () => {
    const { detections } = await drive('continuous');
    const total = audio48k.length / 48000;
    // The model is fast here, so no hop is coalesced: one window per hop.
    expect(detections.length).toBe(Math.floor(total / 0.8));
    detections.forEach((d, i) => {
      // Hops sit on a 0.8 s grid of audio time; a window ends at the first chunk past its grid point.
      expect(d.end).toBeGreaterThanOrEqual((i + 1) * 0.8 - 1e-9);
      expect(d.end).toBeLessThan((i + 1) * 0.8 + 0.065);
      expect(d.end - d.start).toBeLessThanOrEqual(3.0001);
    });
  });

  it('pausing mid-utterance closes it and ignores the audio that follows', async () => {
    const [a] = spans[0]!;
    const { detections, states } = await drive('utterance', a + 2);
    expect(states).toContain('paused');
    expect(detections).toHaveLength(1);
    expect(detections[0]!.end).toBeLessThanOrEqual(a + 2.1);
  });

  it('speaker-normalised model, utterance mode: each utterance joins the session statistics once', async () => {
    snEngine.resetSession();
    const { detections } = await drive('utterance', undefined, snEngine);
    expect(detections).toHaveLength(2);
    let prev = 0;
    for (const d of detections) {
      expect(d.normalisation?.mode).toBe('session');
      const added = d.normalisation!.speechSec - prev;
      // An utterance adds its active frames: some, and never more than its own length.
      expect(added).toBeGreaterThan(0.5);
      expect(added).toBeLessThanOrEqual(d.end - d.start + 1e-9);
      prev = d.normalisation!.speechSec;
    }
    // Nothing else joined them (a discarded speculative run is undone).
    expect(snEngine.sessionSpeechSec).toBeCloseTo(prev, 9);
  });

  it('speaker-normalised model, continuous mode: overlapping windows count each stretch of speech once', async () => {
    snEngine.resetSession();
    const { detections } = await drive('continuous', undefined, snEngine);
    expect(detections.length).toBeGreaterThan(10);
    const total = snEngine.sessionSpeechSec;
    // Windows of 3 s every 0.8 s would count speech ~3.75 times; silent hops add nothing.
    expect(total).toBeGreaterThan(0.3 * clipSec);
    expect(total).toBeLessThanOrEqual(clipSec + 0.8);
    expect(detections.at(-1)!.normalisation!.speechSec).toBeLessThanOrEqual(total);
    const sec = detections.map((d) => d.normalisation!.speechSec);
    expect(sec.every((v, i) => i === 0 || v >= sec[i - 1]!)).toBe(true);
    console.log(`continuous session: ${total.toFixed(2)} s of speech in the statistics for ${clipSec.toFixed(2)} s of clips`);
  });
});
