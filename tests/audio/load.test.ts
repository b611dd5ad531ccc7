// Audio input: real FLAC corpus lengths pinned to soxi, generated WAV variants, resampling, typed errors.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AudioError, type AudioErrorCode } from '../../src/audio/errors.ts';
import { decodeAudio, loadAudio, toMono16k } from '../../src/audio/load.ts';
import { readAudioFile } from '../../src/audio/node.ts';
import { resample } from '../../src/audio/resample.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import { decodeFlac } from '../../src/audio/flac.ts';
import { REFERENCE, SHARED } from '../features/reference.ts';

const ACTOR01 = resolve(SHARED, 'corpora/ravdess/audio/Actor_01');
const tmp = mkdtempSync(join(tmpdir(), 'msir-audio-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function soxiSamples(path: string): number {
  return Number(execFileSync('soxi', ['-s', path], { encoding: 'utf8' }).trim());
}

async function expectAudioError(p: Promise<unknown>, code: AudioErrorCode): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `expected AudioError '${code}'`).toBeInstanceOf(AudioError);
  expect((err as AudioError).code).toBe(code);
  expect((err as AudioError).message.length).toBeGreaterThan(10);
}

/** Sine at `freq` Hz, amplitude `amp`, `seconds` long at `rate`. */
function sine(freq: number, amp: number, rate: number, seconds: number): Float32Array {
  const n = Math.round(rate * seconds);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return x;
}

/** Least-squares amplitude and phase of a sinusoid of known frequency, over the central part of x. */
function fitSine(x: Float32Array, freq: number, rate: number): { amp: number; residual: number } {
  const a = Math.floor(x.length * 0.1);
  const b = Math.floor(x.length * 0.9);
  let ss = 0, cc = 0, sc = 0, xs = 0, xc = 0;
  for (let i = a; i < b; i++) {
    const s = Math.sin((2 * Math.PI * freq * i) / rate);
    const c = Math.cos((2 * Math.PI * freq * i) / rate);
    ss += s * s; cc += c * c; sc += s * c; xs += x[i]! * s; xc += x[i]! * c;
  }
  const det = ss * cc - sc * sc;
  const p = (xs * cc - xc * sc) / det;
  const q = (xc * ss - xs * sc) / det;
  let r = 0, e = 0;
  for (let i = a; i < b; i++) {
    const m = p * Math.sin((2 * Math.PI * freq * i) / rate) + q * Math.cos((2 * Math.PI * freq * i) / rate);
    r += (x[i]! - m) ** 2;
    e += x[i]! ** 2;
  }
  return { amp: Math.hypot(p, q), residual: Math.sqrt(r / e) };
}

describe('FLAC', () => {
  const files = readdirSync(ACTOR01).filter((f) => f.endsWith('.flac')).sort();

  it('decodes all 60 RAVDESS actor-01 clips to exactly the sample count soxi reports', async () => {
    expect(files).toHaveLength(60);
    for (const f of files) {
      const path = join(ACTOR01, f);
      const decoded = await decodeAudio(readFileSync(path));
      expect(decoded.sampleRate, f).toBe(16000);
      expect(decoded.channels, f).toHaveLength(1);
      expect(decoded.channels[0]!.length, f).toBe(soxiSamples(path));
    }
  });

  it('matches the 16-bit PCM that sox decodes from the same FLAC', async () => {
    const path = join(ACTOR01, files[0]!);
    const wavPath = join(tmp, 'sox.wav');
    execFileSync('sox', [path, '-b', '16', '-e', 'signed-integer', wavPath]);
    const fromFlac = await readAudioFile(path);
    const fromWav = await readAudioFile(wavPath);
    expect(fromFlac.length).toBe(fromWav.length);
    let maxDiff = 0;
    for (let i = 0; i < fromFlac.length; i++) maxDiff = Math.max(maxDiff, Math.abs(fromFlac[i]! - fromWav[i]!));
    expect(maxDiff).toBe(0);
  });

  it('decodes 24-bit stereo 44.1 kHz FLAC written by sox: length, downmix, resampling', async () => {
    const src = join(REFERENCE, 'real/wav/03a01Wa.wav');
    const out = join(tmp, 'stereo44k.flac');
    execFileSync('sox', ['-V1', src, '-b', '24', '-r', '44100', '-c', '2', out]);
    const decoded = await decodeAudio(readFileSync(out));
    expect(decoded.sampleRate).toBe(44100);
    expect(decoded.channels).toHaveLength(2);
    expect(decoded.channels[0]!.length).toBe(soxiSamples(out));
    const base = await readAudioFile(src);
    const x = await readAudioFile(out);
    expect(Math.abs(x.length - base.length)).toBeLessThanOrEqual(1);
    // sox up- then libsamplerate down-sampling (sox clips a few peaks): relative error 0.016 measured,
    // while a one-sample misalignment would give 0.59.
    let err = 0, energy = 0;
    for (let i = 200; i < Math.min(x.length, base.length) - 200; i++) {
      err += (x[i]! - base[i]!) ** 2;
      energy += base[i]! ** 2;
    }
    expect(Math.sqrt(err / energy)).toBeLessThan(0.03);
  });

  it('decodes Ogg FLAC (committed fixture) to the same samples as the WAV it was made from', async () => {
    const ogg = await readAudioFile(resolve(import.meta.dirname, '../fixtures/audio/tone220-600ms.oga'));
    const wavFull = await readAudioFile(join(REFERENCE, 'synthetic/wav/tone220_harm.wav'));
    expect(ogg.length).toBe(9600);
    expect(Array.from(ogg)).toEqual(Array.from(wavFull.subarray(0, 9600)));
  });

  it('never returns a FLAC with corrupted frames as if it were whole', async () => {
    const bytes = new Uint8Array(readFileSync(join(ACTOR01, files[0]!)));
    for (let i = 20000; i < 20400; i++) bytes[i] = (i * 7919) & 255;
    const err = await decodeAudio(bytes).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AudioError);
    expect(['truncated', 'decode-failed']).toContain((err as AudioError).code);
  });

  it('reports a cut-off FLAC file as truncated', async () => {
    const bytes = readFileSync(join(ACTOR01, files[0]!));
    await expectAudioError(decodeFlac(bytes.subarray(0, Math.floor(bytes.length / 2))), 'truncated');
    await expectAudioError(loadAudio(bytes.subarray(0, 20)), 'truncated');
  });
});

describe('WAV', () => {
  // A reference clip, re-encoded at every depth, must come back within that depth's quantisation step.
  const ref = sine(440, 0.5, 16000, 0.5);

  const variants = [
    { encoding: 'int', bitsPerSample: 8, tol: 1 / 128 },
    { encoding: 'int', bitsPerSample: 16, tol: 1 / 32768 },
    { encoding: 'int', bitsPerSample: 24, tol: 1 / 8388608 },
    { encoding: 'int', bitsPerSample: 32, tol: 1e-7 },
    { encoding: 'float', bitsPerSample: 32, tol: 0 },
    { encoding: 'float', bitsPerSample: 64, tol: 0 },
  ] as const;

  for (const v of variants) {
    for (const extensible of [false, true]) {
      it(`decodes ${v.encoding} ${v.bitsPerSample}-bit${extensible ? ' (WAVE_FORMAT_EXTENSIBLE)' : ''}`, async () => {
        const bytes = encodeWav([ref], { sampleRate: 16000, encoding: v.encoding, bitsPerSample: v.bitsPerSample, extensible });
        const x = await loadAudio(bytes);
        expect(x.length).toBe(ref.length);
        let maxDiff = 0;
        for (let i = 0; i < x.length; i++) maxDiff = Math.max(maxDiff, Math.abs(x[i]! - ref[i]!));
        expect(maxDiff).toBeLessThanOrEqual(v.tol);
      });
    }
  }

  it('agrees with sox on 24-bit and 8-bit files sox wrote', async () => {
    const src = join(REFERENCE, 'real/wav/03a01Wa.wav');
    const base = await readAudioFile(src);
    for (const [bits, tol] of [['24', 1e-9], ['8', 1 / 64]] as const) {
      const out = join(tmp, `sox${bits}.wav`);
      execFileSync('sox', [src, '-b', bits, out]);
      const x = await readAudioFile(out);
      expect(x.length).toBe(base.length);
      let maxDiff = 0;
      for (let i = 0; i < x.length; i++) maxDiff = Math.max(maxDiff, Math.abs(x[i]! - base[i]!));
      expect(maxDiff, `${bits}-bit`).toBeLessThanOrEqual(tol);
    }
  });

  it('downmixes stereo to the channel mean', async () => {
    const left = sine(300, 0.4, 16000, 0.25);
    const right = sine(500, 0.2, 16000, 0.25);
    const x = await loadAudio(encodeWav([left, right], { sampleRate: 16000, encoding: 'float', bitsPerSample: 32 }));
    expect(x.length).toBe(left.length);
    for (let i = 0; i < x.length; i += 97) expect(x[i]).toBeCloseTo((left[i]! + right[i]!) / 2, 6);
  });
});

describe('resampling to 16 kHz', () => {
  for (const rate of [44100, 48000, 8000, 22050]) {
    it(`${rate} Hz: keeps a sine's frequency and amplitude, length ≈ n·16000/rate`, async () => {
      const freq = 1000;
      const x = sine(freq, 0.5, rate, 1.0);
      const bytes = encodeWav([x, x], { sampleRate: rate, encoding: 'float', bitsPerSample: 32 });
      const y = await loadAudio(bytes);
      expect(Math.abs(y.length - (x.length * 16000) / rate)).toBeLessThanOrEqual(2);
      const fit = fitSine(y, freq, 16000);
      expect(fit.amp).toBeGreaterThan(0.495);
      expect(fit.amp).toBeLessThan(0.505);
      expect(fit.residual).toBeLessThan(1e-3); // nothing but the 1 kHz tone is left
    });
  }

  it("'best' quality also keeps the sine, and agrees with 'medium' closely", async () => {
    const x = sine(1000, 0.5, 48000, 0.5);
    const best = await resample(x, 48000, 16000, 'best');
    const medium = await resample(x, 48000, 16000, 'medium');
    expect(best.length).toBe(medium.length);
    expect(fitSine(best, 1000, 16000).residual).toBeLessThan(1e-4);
    let d = 0;
    for (let i = 400; i < best.length - 400; i++) d = Math.max(d, Math.abs(best[i]! - medium[i]!));
    expect(d).toBeLessThan(1e-3);
  });

  it('removes content above the new Nyquist frequency instead of aliasing it', async () => {
    // 12 kHz at 48 kHz would alias to 4 kHz if the resampler were not band-limited.
    const y = await resample(sine(12000, 0.5, 48000, 0.5), 48000, 16000);
    let e = 0;
    for (let i = 800; i < y.length - 800; i++) e += y[i]! ** 2;
    expect(Math.sqrt(e / (y.length - 1600))).toBeLessThan(1e-3);
  });

  it('passes 16 kHz through untouched', async () => {
    const x = sine(440, 0.3, 16000, 0.1);
    expect(await toMono16k(x, 16000)).toBe(x);
  });
});

describe('typed errors', () => {
  it('empty file', () => expectAudioError(loadAudio(new Uint8Array(0)), 'empty'));
  it('unknown format', () => expectAudioError(loadAudio(new TextEncoder().encode('ID3 this is not a wav or flac file')), 'unsupported-format'));
  it('tiny unknown file counts as truncated', () => expectAudioError(loadAudio(new Uint8Array([1, 2, 3])), 'truncated'));
  it('truncated WAV data chunk', async () => {
    const bytes = encodeWav([sine(440, 0.5, 16000, 0.2)], { sampleRate: 16000, encoding: 'int', bitsPerSample: 16 });
    await expectAudioError(loadAudio(bytes.subarray(0, bytes.length - 1001)), 'truncated');
    await expectAudioError(loadAudio(bytes.subarray(0, 30)), 'truncated');
  });
  it('WAV header the decoder cannot use (0 channels)', async () => {
    const bytes = encodeWav([sine(440, 0.5, 16000, 0.2)], { sampleRate: 16000, encoding: 'int', bitsPerSample: 16 });
    new DataView(bytes.buffer).setUint16(22, 0, true);
    await expectAudioError(loadAudio(bytes), 'decode-failed');
  });
  it('unsupported WAV encoding (A-law)', async () => {
    const bytes = encodeWav([sine(440, 0.5, 16000, 0.2)], { sampleRate: 16000, encoding: 'int', bitsPerSample: 16 });
    new DataView(bytes.buffer).setUint16(20, 6, true);
    await expectAudioError(loadAudio(bytes), 'unsupported-format');
  });
  it('NaN and Inf samples', async () => {
    const x = sine(440, 0.5, 16000, 0.2);
    x[1234] = Number.NaN;
    await expectAudioError(loadAudio(encodeWav([x], { sampleRate: 16000, encoding: 'float', bitsPerSample: 32 })), 'non-finite');
    x[1234] = Number.POSITIVE_INFINITY;
    await expectAudioError(loadAudio(encodeWav([x], { sampleRate: 16000, encoding: 'float', bitsPerSample: 64 })), 'non-finite');
  });
  it('samples far outside [−1, 1): unscaled int16 values or corrupt floats', async () => {
    const int16Scale = sine(440, 12000, 16000, 0.2);
    await expectAudioError(loadAudio(encodeWav([int16Scale], { sampleRate: 16000, encoding: 'float', bitsPerSample: 32 })), 'out-of-range');
    const x = sine(440, 0.5, 16000, 0.2);
    x[10] = 1e30;
    await expectAudioError(loadAudio(encodeWav([x], { sampleRate: 16000, encoding: 'float', bitsPerSample: 32 })), 'out-of-range');
    // A float file peaking a little above full scale is still audio.
    const hot = sine(440, 1.5, 16000, 0.2);
    expect((await loadAudio(encodeWav([hot], { sampleRate: 16000, encoding: 'float', bitsPerSample: 32 }))).length).toBe(hot.length);
  });
  it('shorter than one 60 ms frame, at 16 kHz and after resampling', async () => {
    await expectAudioError(loadAudio(encodeWav([new Float32Array(959)], { sampleRate: 16000, encoding: 'int', bitsPerSample: 16 })), 'too-short');
    await expectAudioError(loadAudio(encodeWav([new Float32Array(2000)], { sampleRate: 48000, encoding: 'int', bitsPerSample: 16 })), 'too-short');
    // Exactly 60 ms is enough.
    expect((await loadAudio(encodeWav([new Float32Array(960)], { sampleRate: 16000, encoding: 'int', bitsPerSample: 16 }))).length).toBe(960);
  });
  it('bad sample rate', async () => {
    const bytes = encodeWav([sine(440, 0.5, 16000, 0.2)], { sampleRate: 16000, encoding: 'int', bitsPerSample: 16 });
    new DataView(bytes.buffer).setUint32(24, 0, true);
    await expectAudioError(loadAudio(bytes), 'bad-sample-rate');
    new DataView(bytes.buffer).setUint32(24, 5_000_000, true);
    await expectAudioError(loadAudio(bytes), 'bad-sample-rate');
    await expectAudioError(toMono16k(new Float32Array(2000), Number.NaN), 'bad-sample-rate');
  });
  it('readAudioFile prefixes the path and keeps the code', async () => {
    const p = join(tmp, 'empty.wav');
    writeFileSync(p, new Uint8Array(0));
    await expectAudioError(readAudioFile(p), 'empty');
    await expect(readAudioFile(p)).rejects.toThrow(p);
  });
});
