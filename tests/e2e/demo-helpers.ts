// Shared by the demo/mic/privacy/soak e2e tests and bench/latency.ts: fake-microphone WAVs built at run
// time from the shared corpora (never committed), and page helpers.
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { readAudioFile } from '../../src/audio/node.ts';
import { resample } from '../../src/audio/resample.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import { ROOT } from './harness.ts';

export const SHARED = resolve(ROOT, '../shared');
export const RAVDESS = resolve(SHARED, 'corpora/ravdess');
/** A strong-intensity angry clip from the test split (actors 19–24). */
export const ANGRY_CLIP = 'audio/Actor_19/03-01-05-02-01-02-19.flac';
export const NEUTRAL_CLIP = 'audio/Actor_21/03-01-01-01-01-01-21.flac';
export const FAKE_MIC_RATE = 48000;

export interface FakeMic {
  wav: string;
  /** Seconds of the whole (looped) file. */
  durationSec: number;
  /** The 16 kHz audio the file was made from, before the 48 kHz conversion. */
  audio16k: Float32Array;
  cleanup(): Promise<void>;
}

/**
 * Writes clips (paths relative to the RAVDESS folder) with `gapSec` of silence between and around
 * them as 16-bit PCM mono WAV at 48 kHz — what Chromium's --use-file-for-fake-audio-capture reads.
 */
export async function makeFakeMic(clips: string[], gapSec = 1.5): Promise<FakeMic> {
  const gap = Math.round(gapSec * 16000);
  const parts = await Promise.all(clips.map((c) => readAudioFile(resolve(RAVDESS, c))));
  const total = parts.reduce((a, p) => a + p.length + gap, gap);
  const audio16k = new Float32Array(total);
  let o = gap;
  for (const p of parts) {
    audio16k.set(p, o);
    o += p.length + gap;
  }
  const audio48k = await resample(audio16k, 16000, FAKE_MIC_RATE);
  const dir = await mkdtemp(join(tmpdir(), 'msir-fakemic-'));
  const wav = join(dir, 'mic.wav');
  await writeFile(wav, encodeWav([audio48k], { sampleRate: FAKE_MIC_RATE, encoding: 'int', bitsPerSample: 16 }));
  return { wav, durationSec: total / 16000, audio16k, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function fakeMicFlags(wav: string): string[] {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'];
}

export interface DemoDetection {
  emotions: Record<'happy' | 'neutral' | 'sad' | 'angry', { probability: number; positive: boolean }>;
  start: number;
  end: number;
  latencyMs?: number;
  timings: { featuresMs: number; sslMs: number; modelMs: number };
  attention: Record<string, number[]>;
}

/** Waits until the demo's detector is ready (or failed), returns its readout. */
export async function waitReady(page: Page, timeoutMs = 180_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const h = (window as unknown as { msirDemo?: { ready: boolean; errors: unknown[] } }).msirDemo;
      return !!h && (h.ready || h.errors.length > 0);
    },
    undefined,
    { timeout: timeoutMs, polling: 250 },
  );
  const errors = await page.evaluate(() => (window as unknown as { msirDemo: { errors: Array<{ code: string; message: string }> } }).msirDemo.errors);
  if (errors.length) throw new Error(`demo failed to start: ${JSON.stringify(errors)}`);
}

/** Detections so far, with attention arrays as plain number arrays. */
export async function detections(page: Page): Promise<DemoDetection[]> {
  return page.evaluate(() =>
    (window as unknown as { msirDemo: { detections: Array<Record<string, unknown>> } }).msirDemo.detections.map((d) => ({
      ...d,
      attention: Object.fromEntries(Object.entries(d['attention'] as Record<string, Float32Array>).map(([k, v]) => [k, Array.from(v)])),
    })),
  ) as Promise<DemoDetection[]>;
}
