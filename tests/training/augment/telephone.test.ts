// Telephone speech: what lies outside 300–3400 Hz is removed (tones there > 100 dB down, the out-of-band
// energy of real speech > 60 dB down), 1 kHz passes within 1 dB (0.25 dB asserted), through the 8 kHz
// μ-law round trip too. Measured when written: tones ≥ 121 dB down; speech below 300 Hz 73.5–90.4 dB down,
// above 3400 Hz 100.6–105.0 dB down (Welch 4096, limited by the measurement's own leakage); 1 kHz −0.108
// dB with μ-law, 2e-8 dB without.
import { describe, expect, it } from 'vitest';
import { muLawRoundTrip, telephone, telephoneGain } from '../../../training/augment/telephone.ts';
import { bandPower, db, hasNaN, sine, speech, tonePower, welch } from './signals.ts';

describe('telephone', () => {
  it('passes 1 kHz within 1 dB and removes tones outside 300–3400 Hz (> 100 dB), with and without μ-law', async () => {
    for (const muLaw of [false, true]) {
      const k1 = sine(1000, 16000);
      const y1 = await telephone(k1, { muLaw });
      expect(y1.length).toBe(16000);
      expect(Math.abs(db(tonePower(y1, 1000) / tonePower(k1, 1000)))).toBeLessThan(muLaw ? 0.25 : 0.01);
      for (const hz of [60, 150, 250, 3500, 4000, 5000, 7000]) {
        const x = sine(hz, 16000);
        const y = await telephone(x, { muLaw });
        expect(db(tonePower(y, hz) / tonePower(x, hz))).toBeLessThan(-100);
      }
    }
  });

  it('removes the energy of real speech below 300 and above 3400 Hz (> 60 dB) and keeps 400–3200 Hz within 1 dB', async () => {
    for (const [corpus, file] of [['emodb', '03a01Wa.flac'], ['ravdess', 'Actor_01/03-01-05-02-01-01-01.flac']] as const) {
      const x = await speech(corpus, file);
      const y = await telephone(x);
      expect(y.length).toBe(x.length);
      expect(hasNaN(y)).toBe(false);
      // 4096-point frames: a shorter window's leakage from the band edges would swamp what is measured.
      const px = welch(x, 4096);
      const py = welch(y, 4096);
      const out = (hz: number): boolean => hz < 300 || hz > 3400;
      const pass = (hz: number): boolean => hz >= 400 && hz <= 3200;
      expect(db(bandPower(py, (hz) => hz < 300) / bandPower(px, (hz) => hz < 300))).toBeLessThan(-60);
      expect(db(bandPower(py, (hz) => hz > 3400) / bandPower(px, (hz) => hz > 3400))).toBeLessThan(-60);
      expect(db(bandPower(py, out) / bandPower(px, out))).toBeLessThan(-60);
      expect(Math.abs(db(bandPower(py, pass) / bandPower(px, pass)))).toBeLessThan(1);
    }
  });

  it('has its gain at the stated corners, keeps silence silent and is deterministic', async () => {
    expect(telephoneGain(300)).toBe(0);
    expect(telephoneGain(3400)).toBe(0);
    expect(telephoneGain(400)).toBe(1);
    expect(telephoneGain(1000)).toBe(1);
    expect(telephoneGain(3200)).toBe(1);
    expect(telephoneGain(350)).toBeCloseTo(0.5, 6);
    const silent = await telephone(new Float32Array(12345));
    expect(silent.length).toBe(12345);
    expect(silent.every((v) => v === 0)).toBe(true);
    const x = await speech('emodb', '03a01Wa.flac');
    expect(await telephone(x)).toEqual(await telephone(x));
  });
});

describe('muLawRoundTrip', () => {
  it('quantises to 8-bit μ-law: at most 255 levels, error ≈ −38 dB relative to a full-scale-ish tone', () => {
    const x = sine(440, 16000, 0.5);
    const y = muLawRoundTrip(x);
    expect(new Set(y).size).toBeLessThanOrEqual(255);
    const err = y.map((v, i) => v - x[i]!);
    const snr = db(x.reduce((s, v) => s + v * v, 0) / err.reduce((s, v) => s + v * v, 0));
    expect(snr).toBeGreaterThan(30);
    expect(snr).toBeLessThan(45);
    expect(muLawRoundTrip(new Float32Array(4)).every((v) => v === 0)).toBe(true);
  });
});
