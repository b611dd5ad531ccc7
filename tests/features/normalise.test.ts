import { describe, expect, it } from 'vitest';
import { Normaliser, NormaliserFit } from '../../src/features/normalise.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('Normaliser', () => {
  it('fits mean/std across several matrices like a single pass over their union', () => {
    const r = rng(1);
    const dims = 3;
    const mats = [5, 17, 1, 40].map((rows) =>
      Float32Array.from({ length: rows * dims }, (_, i) => (i % dims === 0 ? -100 + r() : i % dims === 1 ? r() * 1e4 : r() - 0.5)),
    );
    const n = Normaliser.fit(mats, dims);
    const all = mats.flatMap((m) => Array.from(m));
    for (let c = 0; c < dims; c++) {
      const col = all.filter((_, i) => i % dims === c);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const std = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
      expect(n.mean[c]).toBeCloseTo(mean, 9);
      expect(n.std[c]! / std).toBeCloseTo(1, 9);
    }
    // Applied to the training data, every column has mean 0 and std 1.
    const z = mats.map((m) => n.apply(m));
    const flat = z.flatMap((m) => Array.from(m));
    for (let c = 0; c < dims; c++) {
      const col = flat.filter((_, i) => i % dims === c);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(sd).toBeCloseTo(1, 4);
    }
  });

  it('keeps precision on a column with a large offset and tiny spread (no Σx² cancellation)', () => {
    const fit = new NormaliserFit(1);
    for (let i = 0; i < 100_000; i++) fit.add([1e6 + (i % 2 === 0 ? 0.001 : -0.001)]);
    const n = fit.finish();
    expect(n.std[0]).toBeCloseTo(0.001, 9);
    expect(n.mean[0]).toBeCloseTo(1e6, 6);
  });

  it('centres constant columns instead of dividing by ~0', () => {
    const n = Normaliser.fit([new Float32Array([5, 1, 5, 2, 5, 3])], 2);
    expect(n.std[0]).toBe(1);
    const out = n.apply(new Float32Array([5, 2, 6, 2]));
    expect(Array.from(out)).toEqual([0, 0, 1, 0]);
    for (const v of out) expect(Number.isFinite(v)).toBe(true);
  });

  it('round-trips through JSON (NormalisationStats) and validates it', () => {
    const n = Normaliser.fit([new Float32Array([1, 2, 3, 4, 5, 7])], 2);
    const back = Normaliser.fromJSON(JSON.parse(JSON.stringify(n)));
    expect(Array.from(back.mean)).toEqual(Array.from(n.mean));
    expect(Array.from(back.std)).toEqual(Array.from(n.std));
    const x = new Float32Array([3, 3, 9, 0]);
    expect(Array.from(back.apply(x))).toEqual(Array.from(n.apply(x)));
    expect(() => Normaliser.fromJSON({ mean: [0], std: [0] })).toThrow(/std/);
    expect(() => Normaliser.fromJSON({ mean: [0, 1], std: [1] })).toThrow(/equal/);
    expect(() => Normaliser.fromJSON({ mean: ['a'], std: [1] })).toThrow(TypeError);
    expect(() => Normaliser.fromJSON(null)).toThrow(TypeError);
  });

  it('rejects ragged matrices, empty fits and non-finite values', () => {
    expect(() => Normaliser.fit([new Float32Array(5)], 2)).toThrow(/whole number/);
    expect(() => Normaliser.fit([], 2)).toThrow(/zero rows/);
    expect(() => Normaliser.fit([new Float32Array([1, Number.NaN])], 2)).toThrow(/non-finite/);
    expect(() => new NormaliserFit(0)).toThrow(RangeError);
  });
});
