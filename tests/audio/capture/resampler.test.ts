// The capture path's streaming resampler must agree with the one-shot resample() the decoder uses.
import { describe, expect, it } from 'vitest';
import { createStreamResampler } from '../../../src/audio/capture/resampler.ts';
import { resample } from '../../../src/audio/resample.ts';

describe('createStreamResampler', () => {
  it('48 kHz chunks → 16 kHz equal to one-shot resample() away from the edges', async () => {
    const n = 48000 * 2;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / 48000) + 0.2 * Math.sin((2 * Math.PI * 3100 * i) / 48000);
    const r = await createStreamResampler(48000);
    const parts: Float32Array[] = [];
    for (let i = 0; i < n; i += 3072) parts.push(r.push(x.subarray(i, Math.min(n, i + 3072))));
    r.dispose();
    const streamed = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      streamed.set(p, o);
      o += p.length;
    }
    const oneShot = await resample(x, 48000, 16000);
    // The streaming converter holds back its filter delay; align on the best lag, then compare.
    let best = { lag: 0, err: Infinity };
    for (let lag = 0; lag < 200; lag++) {
      let e = 0;
      for (let i = 2000; i < 12000; i++) e = Math.max(e, Math.abs(streamed[i + lag]! - oneShot[i]!));
      if (e < best.err) best = { lag, err: e };
    }
    expect(best.err).toBeLessThan(1e-3);
    expect(streamed.length).toBeGreaterThan(n / 3 - 400);
    expect(streamed.length).toBeLessThanOrEqual(n / 3);
  });

  it('passes 16 kHz through and rejects absurd rates', async () => {
    const r = await createStreamResampler(16000);
    const x = new Float32Array([0.1, 0.2]);
    expect(r.push(x)).toBe(x);
    await expect(createStreamResampler(0)).rejects.toThrow(RangeError);
  });
});
