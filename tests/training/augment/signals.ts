// Shared helpers for the augmentation tests: real clips from ../shared (read in place, never copied),
// tones, and spectrum measurements independent of the code under test's own FFT helpers.
import path from 'node:path';
import FFT from 'fft.js';
import { readAudioFile } from '../../../src/audio/node.ts';

const corpora = path.resolve(import.meta.dirname, '../../../../shared/corpora');
/** A clip of the shared corpora, e.g. speech('emodb', '03a01Wa.flac'). */
export const speech = (corpus: 'emodb' | 'ravdess', file: string): Promise<Float32Array> => readAudioFile(path.join(corpora, corpus, 'audio', file));

export const sine = (hz: number, n: number, amp = 0.5, rate = 16000): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));

export const db = (p: number): number => 10 * Math.log10(p);

/** Welch power spectral density (Hann, 50 % overlap), one value per bin 0…size/2 (arbitrary units). */
export function welch(x: Float32Array, size = 1024): Float64Array {
  const fft = new FFT(size);
  const w = Float64Array.from({ length: size }, (_, j) => 0.5 - 0.5 * Math.cos((2 * Math.PI * j) / size));
  const psd = new Float64Array(size / 2 + 1);
  const frame = new Float64Array(size);
  const out = fft.createComplexArray() as number[];
  let frames = 0;
  for (let s = 0; s + size <= x.length; s += size / 2) {
    for (let j = 0; j < size; j++) frame[j] = x[s + j]! * w[j]!;
    fft.realTransform(out, frame);
    for (let k = 0; k <= size / 2; k++) psd[k] += out[2 * k]! ** 2 + out[2 * k + 1]! ** 2;
    frames++;
  }
  for (let k = 0; k < psd.length; k++) psd[k] /= frames;
  return psd;
}

/** Sum of a Welch PSD over the bins whose frequency satisfies `inBand`. */
export function bandPower(psd: Float64Array, inBand: (hz: number) => boolean, rate = 16000): number {
  const size = (psd.length - 1) * 2;
  let s = 0;
  for (let k = 0; k < psd.length; k++) if (inBand((k * rate) / size)) s += psd[k]!;
  return s;
}

/** Power of the component at `hz` (single-bin DFT over a whole number of periods in the middle half). */
export function tonePower(x: Float32Array, hz: number, rate = 16000): number {
  const period = rate / hz;
  const n = Math.floor(Math.floor(x.length / 2) / period) * period;
  const a = Math.floor(x.length / 4);
  const len = Math.round(n);
  let re = 0;
  let im = 0;
  for (let i = 0; i < len; i++) {
    re += x[a + i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    im += x[a + i]! * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * (re * re + im * im)) / (len * len);
}

export const hasNaN = (x: Float32Array): boolean => x.some((v) => !Number.isFinite(v));
