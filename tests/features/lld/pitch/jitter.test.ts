// Jitter, shimmer and logHNR on synthetic pulse trains with known period and amplitude patterns.
import { describe, expect, it } from 'vitest';
import { LOG_HNR_FLOOR, PitchJitter, crossCorr } from '../../../../src/features/lld/pitch/jitter.ts';

describe('PitchJitter', () => {
  // A synthetic "glottal" pulse train: each period starts a decaying sinusoid.
  const train = (periods: number[], amps: number[], len: number): Float32Array => {
    const x = new Float32Array(len);
    for (let p = 0, k = 0; p < len; k++) {
      const P = periods[k % periods.length]!;
      const A = amps[k % amps.length]!;
      for (let i = 0; i < P && p + i < len; i++) x[p + i] = A * Math.exp(-i / 20) * Math.sin((2 * Math.PI * i) / 40);
      p += P;
    }
    return x;
  };
  /** Mean of the 4 outputs over the frames away from the edges, with a constant F0. */
  const analyse = (x: Float32Array, f0: number): number[] => {
    const jit = new PitchJitter(x);
    const out = new Float32Array(4);
    const n = Math.floor((x.length - 960) / 160) + 1;
    const acc = [0, 0, 0, 0];
    let m = 0;
    for (let k = 0; k < n; k++) {
      jit.process(k, f0, out, 0);
      if (k >= 5 && k < n - 5) {
        for (let c = 0; c < 4; c++) acc[c] = acc[c]! + out[c]!;
        m++;
      }
    }
    return acc.map((v) => v / m);
  };

  it('crossCorr is the Pearson correlation', () => {
    const x = Float32Array.from([1, 2, 3, 4, 2, 4, 6, 8]);
    expect(crossCorr(x, 0, 4, 4)).toBeCloseTo(1, 12);
    const y = Float32Array.from([1, 2, 3, 4, 8, 6, 4, 2]);
    expect(crossCorr(y, 0, 4, 4)).toBeCloseTo(-1, 12);
  });

  it('a perfectly periodic train has zero jitter and shimmer (and En = 0 leaves logHNR at 0)', () => {
    const [jl, jd, sh, hnr] = analyse(train([160], [0.5], 16000), 100);
    expect(jl).toBe(0);
    expect(jd).toBe(0);
    expect(sh).toBe(0);
    expect(hnr).toBe(0);
  });

  it('alternating 150/170-sample periods give jitterLocal ≈ 20/160 and jitterDDP 0 (|Δ| of |diff|s)', () => {
    const [jl, jd] = analyse(train([150, 170], [0.5], 16000), 100);
    expect(jl).toBeGreaterThan(0.125 * 0.95);
    expect(jl).toBeLessThan(0.125 * 1.05);
    expect(jd).toBe(0);
  });

  it('alternating amplitudes 0.5/0.4 give shimmerLocal ≈ 0.1/0.45', () => {
    const [, , sh, hnr] = analyse(train([160], [0.5, 0.4], 16000), 100);
    expect(sh).toBeCloseTo(0.1 / 0.45, 3);
    expect(hnr).toBeGreaterThan(10); // dB: the period shape is the same, only the scale varies
  });

  it('unvoiced frames output zeros and the −100 dB logHNR floor', () => {
    expect(analyse(train([160], [0.5], 16000), 0)).toEqual([0, 0, 0, LOG_HNR_FLOOR]);
  });
});
