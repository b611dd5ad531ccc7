// Speed perturbation: a clip played s times faster is 1/s as long with every frequency scaled by s,
// band-limited (no aliasing energy), and factors that cannot be expressed as a sample rate are refused.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAudioFile } from '../../../src/audio/node.ts';
import { FeatureExtractor } from '../../../src/features/extractor.ts';
import { isSpeed, speedPerturb } from '../../../training/augment/speed.ts';
import { pickVariant } from '../../../training/train/loop.ts';
import { Rng } from '../../../training/train/rng.ts';
import type { Sample } from '../../../training/train/data.ts';

const sine = (hz: number, n: number, rate = 16000): Float32Array => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));
/** Frequency from upward zero crossings over the middle of the signal (edges carry filter transients). */
function frequency(x: Float32Array, rate = 16000): number {
  const a = Math.floor(x.length * 0.1);
  const b = Math.floor(x.length * 0.9);
  const ups: number[] = [];
  for (let i = a + 1; i < b; i++) if (x[i - 1]! < 0 && x[i]! >= 0) ups.push(i - 1 + -x[i - 1]! / (x[i]! - x[i - 1]!));
  return ((ups.length - 1) * rate) / (ups.at(-1)! - ups[0]!);
}

describe('speedPerturb', () => {
  it('scales duration by 1/s and frequency by s', async () => {
    const x = sine(200, 16000);
    for (const s of [0.9, 1.1]) {
      const y = await speedPerturb(x, s);
      expect(Math.abs(y.length - 16000 / s)).toBeLessThan(3);
      expect(frequency(y)).toBeCloseTo(200 * s, 1);
    }
    expect(await speedPerturb(x, 1)).toBe(x);
  });

  it('shifts the pitch of real speech by s (the extractor F0 moves with it)', async () => {
    const speech = await readAudioFile(path.resolve(import.meta.dirname, '../../../../shared/corpora/emodb/audio/03a01Wa.flac'));
    const ex = new FeatureExtractor();
    const f0 = (x: Float32Array): number => {
      const f = ex.extract(x);
      // LLD column 0 is F0final (Hz, 0 when unvoiced): median over voiced frames
      const v: number[] = [];
      for (let t = 0; t < f.lldFrames; t++) if (f.lld[t * 195]! > 0) v.push(f.lld[t * 195]!);
      return v.sort((p, q) => p - q)[v.length >> 1]!;
    };
    const base = f0(speech);
    const fast = f0(await speedPerturb(speech, 1.1));
    expect(fast / base).toBeGreaterThan(1.05);
    expect(fast / base).toBeLessThan(1.15);
  });

  it('refuses factors out of range or not a whole sample rate', async () => {
    expect(isSpeed(0.9)).toBe(true);
    expect(isSpeed(1.1)).toBe(true);
    for (const s of [0, 0.3, 3, Number.NaN, 1.00001]) expect(isSpeed(s)).toBe(false);
    await expect(speedPerturb(sine(200, 100), 3)).rejects.toThrow(/speed factor 3/);
  });
});

describe('pickVariant', () => {
  const s = (id: string, variants?: Sample[]): Sample => ({ id, label: 'sad', ...(variants ? { variants } : {}) });
  it('draws uniformly among the clip and its variants, by seed, and draws nothing without variants', () => {
    const clip = s('c', [s('c@0.9'), s('c@1.1')]);
    const draw = (seed: number) => { const r = new Rng(seed); return Array.from({ length: 300 }, () => pickVariant(clip, r).id); };
    const a = draw(5);
    expect(draw(5)).toEqual(a);
    for (const id of ['c', 'c@0.9', 'c@1.1']) expect(a.filter((x) => x === id).length).toBeGreaterThan(70);
    // No variants: the rng is untouched, so runs without augmentation are unchanged by this feature.
    const r1 = new Rng(9);
    const r2 = new Rng(9);
    const plain = s('p');
    expect(pickVariant(plain, r1)).toBe(plain);
    expect(r1.int(1000)).toBe(r2.int(1000));
  });
});

describe('pickVariant with per-clip fields', () => {
  it("keeps the clip's auxiliary class and speaker when it draws a variant (they train with --aux-emotions / --adv-speakers)", () => {
    const clip: Sample = { id: 'c', label: 'sad', aux: 3, speaker: 7, variants: [{ id: 'c@0.9', label: 'sad' }] };
    const r = new Rng(1);
    const drawn = Array.from({ length: 40 }, () => pickVariant(clip, r));
    const variant = drawn.find((d) => d.id === 'c@0.9')!;
    expect(variant).toBeDefined();
    expect(variant.aux).toBe(3);
    expect(variant.speaker).toBe(7);
  });
});
