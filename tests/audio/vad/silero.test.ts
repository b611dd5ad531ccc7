// Silero VAD on real speech (RAVDESS, test split) with silence around it, through onnxruntime-node and the
// same onnx file the browser loads. Also the energy fallback on the same material.
import { describe, expect, it, beforeAll } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { readAudioFile } from '../../../src/audio/node.ts';
import { SileroVad, type OrtRuntime } from '../../../src/audio/vad/silero.ts';
import { EnergyVad } from '../../../src/audio/vad/energy.ts';
import { Segmenter, type SegmentEvent } from '../../../src/audio/vad/segmenter.ts';
import { VAD_FRAME, type FrameVad } from '../../../src/audio/vad/types.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const SHARED = resolve(ROOT, '../shared');
const CLIP = resolve(SHARED, 'corpora/ravdess/audio/Actor_21/03-01-05-02-01-01-21.flac');
const require = createRequire(import.meta.url);

let speech: Float32Array;
let sileroBytes: Uint8Array;

beforeAll(async () => {
  const clip = await readAudioFile(CLIP);
  // 1.5 s of silence, the clip, 1.5 s of silence.
  speech = new Float32Array(clip.length + 48000);
  speech.set(clip, 24000);
  sileroBytes = new Uint8Array(await readFile(require.resolve('@ricky0123/vad-web/dist/silero_vad_v5.onnx')));
});

async function probabilities(vad: FrameVad, x: Float32Array): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i + VAD_FRAME <= x.length; i += VAD_FRAME) out.push(await vad.process(x.subarray(i, i + VAD_FRAME)));
  return out;
}

function segments(probs: number[]): Array<Extract<SegmentEvent, { type: 'end' }>> {
  const s = new Segmenter();
  const ev = [...probs.flatMap((p) => s.push(p)), ...s.flush()];
  return ev.filter((e): e is Extract<SegmentEvent, { type: 'end' }> => e.type === 'end');
}

function noise(n: number, amp: number, seed = 7): Float32Array {
  const x = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = ((s / 2 ** 32) * 2 - 1) * amp;
  }
  return x;
}

describe.each(['silero', 'energy'] as const)('%s VAD', (kind) => {
  let vad: FrameVad;
  beforeAll(async () => {
    if (kind === 'silero') {
      const ort = (await import('onnxruntime-node')) as unknown as OrtRuntime;
      vad = await SileroVad.create(ort, sileroBytes, ['cpu']);
    } else vad = new EnergyVad();
  });

  it('finds the spoken sentence inside the silence, once', async () => {
    vad.reset();
    const segs = segments(await probabilities(vad, speech));
    expect(segs).toHaveLength(1);
    const seg = segs[0]!;
    // The clip starts at 1.5 s (RAVDESS clips hold ~0.5–1 s of room tone before speech) and lasts 4.37 s.
    expect(seg.startSample / 16000).toBeGreaterThan(1.3);
    expect(seg.startSample / 16000).toBeLessThan(3.2);
    expect(seg.endSample / 16000).toBeGreaterThan(3.5);
    expect(seg.endSample / 16000).toBeLessThan(1.5 + 4.371 + 0.6);
    expect((seg.endSample - seg.startSample) / 16000).toBeGreaterThan(1);
  });

  it('stays quiet on silence and on steady noise', async () => {
    vad.reset();
    const quiet = await probabilities(vad, new Float32Array(16000 * 2));
    expect(Math.max(...quiet)).toBeLessThan(0.2);
    vad.reset();
    expect(segments(await probabilities(vad, noise(16000 * 4, 0.05)))).toHaveLength(0);
  });

  it('rejects frames of the wrong size (silero)', async () => {
    if (kind !== 'silero') return;
    await expect(vad.process(new Float32Array(100))).rejects.toThrow(RangeError);
  });
});
