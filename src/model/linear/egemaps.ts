// eGeMAPS-style functionals (Eyben et al. 2016, openSMILE config/egemaps/v02): 66 of the 88 eGeMAPS v02
// functionals, computed from what the project's feature extractor gives (the 65 ComParE LLDs and the
// 40-band log-Mel spectrum), so that a model on them runs wherever the detector runs.
//
// Present (66), in eGeMAPS order:
//   F0 semitone from 27.5 Hz (voiced frames) and loudness: amean, stddevNorm, percentiles 20/50/80,
//     range 20–80, mean/stddev of rising and falling slopes (10 each)
//   spectral flux, MFCC 1–4 (all frames): amean, stddevNorm (10)
//   jitter, shimmer, HNR (voiced frames): amean, stddevNorm (6)
//   voiced frames: alpha ratio, Hammarberg index, spectral slopes 0–500 and 500–1500 Hz, flux, MFCC 1–4:
//     amean, stddevNorm (18)
//   unvoiced frames: alpha ratio, Hammarberg index, slopes 0–500 / 500–1500 Hz, flux: amean (5)
//   loudness peaks per second, voiced segments per second, mean/stddev voiced and unvoiced segment
//     lengths (6); equivalent sound level (1)
// Missing (22): F1–F3 frequency, bandwidth and relative amplitude (18), H1–H2 and H1–A3 (4): they need
//   formant tracking (LPC roots) and harmonic amplitudes on the waveform, which the features do not hold.
// Differences in the present ones: F0, jitter, shimmer, HNR, loudness, flux and MFCCs are the ComParE LLDs
// (SHS+Viterbi F0 as eGeMAPS; shimmer relative instead of dB; HNR from the ComParE jitter component;
// loudness the mean rather than the sum of the auditory bands; MFCCs and flux from 20 ms rather than
// 25 ms frames); alpha ratio, Hammarberg index and the two slopes come from the 40 log-Mel band energies
// (pre-emphasis undone at each band's centre) instead of FFT bins; the equivalent sound level is from the
// ComParE RMS energy.
import type { Features } from '../../features/types.ts';
import { LLD_DIMS, LOGMEL_BANDS } from '../../features/types.ts';
import { psfFilterbank, PSF_LOGMEL } from '../../features/logmel.ts';
import { meanOf, moments, peaks2, pctl, pickExtrema, runs, segmentStats, softLimit } from './contour-stats.ts';
import { FunctionalsError, lldColumn } from './functionals.ts';

export const EGEMAPS_FUNCTIONALS_VERSION = 2;

const F0 = 0;
const JITTER = 2;
const SHIMMER = 4;
const HNR = 5;
const LOUDNESS = 6;
const RMS = 8;
const FLUX = 42;
const MFCC1 = 51;

const CONTOUR_FUNCS = ['amean', 'stddevNorm', 'percentile20.0', 'percentile50.0', 'percentile80.0', 'pctlrange0-2', 'meanRisingSlope', 'stddevRisingSlope', 'meanFallingSlope', 'stddevFallingSlope'];
const MS = ['amean', 'stddevNorm'];
const SPECTRAL = ['alphaRatio', 'hammarbergIndex', 'slope0-500', 'slope500-1500'];

export const EGEMAPS_NAMES: string[] = [
  ...CONTOUR_FUNCS.map((f) => `F0semitoneFrom27.5Hz_sma3nz_${f}`),
  ...CONTOUR_FUNCS.map((f) => `loudness_sma3_${f}`),
  ...['spectralFlux', 'mfcc1', 'mfcc2', 'mfcc3', 'mfcc4'].flatMap((l) => MS.map((f) => `${l}_sma3_${f}`)),
  ...['jitterLocal', 'shimmerLocal(rel)', 'HNR'].flatMap((l) => MS.map((f) => `${l}_sma3nz_${f}`)),
  ...[...SPECTRAL.map((s) => `${s}V`), 'spectralFluxV', 'mfcc1V', 'mfcc2V', 'mfcc3V', 'mfcc4V'].flatMap((l) => MS.map((f) => `${l}_sma3nz_${f}`)),
  ...[...SPECTRAL.map((s) => `${s}UV`), 'spectralFluxUV'].map((l) => `${l}_sma3nz_amean`),
  'loudnessPeaksPerSec',
  'VoicedSegmentsPerSec',
  'MeanVoicedSegmentLengthSec',
  'StddevVoicedSegmentLengthSec',
  'MeanUnvoicedSegmentLength',
  'StddevUnvoicedSegmentLength',
  'equivalentSoundLevel_dBp',
];
export const EGEMAPS_FUNCTIONALS_DIM = EGEMAPS_NAMES.length;

/** The eGeMAPS v02 functionals this set lacks (22 of 88). */
export const EGEMAPS_MISSING: string[] = [
  ...['F1', 'F2', 'F3'].flatMap((f) => ['frequency', 'bandwidth', 'amplitudeLogRelF0'].flatMap((k) => MS.map((s) => `${f}${k}_sma3nz_${s}`))),
  ...['logRelF0-H1-H2', 'logRelF0-H1-A3'].flatMap((l) => MS.map((s) => `${l}_sma3nz_${s}`)),
];

/** Centre frequency (Hz) of each log-Mel band and the power gain of the 0.97 pre-emphasis there. */
const BANDS = (() => {
  const { nfft, sampleRate, bands, preemph } = PSF_LOGMEL;
  return psfFilterbank(bands, nfft, sampleRate).map((f) => {
    let peak = 0;
    for (let i = 1; i < f.weights.length; i++) if (f.weights[i]! > f.weights[peak]!) peak = i;
    const hz = ((f.start + peak) * sampleRate) / nfft;
    const w = (2 * Math.PI * hz) / sampleRate;
    return { hz, gain: 1 + preemph * preemph - 2 * preemph * Math.cos(w) };
  });
})();

const dB = (p: number): number => 10 * Math.log10(Math.max(p, 1e-20));

/** Least-squares slope of y on x (dB per Hz); 0 with fewer than two points. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = meanOf(xs);
  const my = meanOf(ys);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den > 0 ? num / den : 0;
}

/** Alpha ratio, Hammarberg index, slopes 0–500 and 500–1500 Hz of one log-Mel frame (natural-log band energies). */
export function bandSpectralLlds(logE: ArrayLike<number>): [number, number, number, number] {
  const P = BANDS.map((b, i) => Math.exp(logE[i]!) / b.gain);
  let lo = 0;
  let hi = 0;
  let max02 = 0;
  let max25 = 0;
  const x1: number[] = [];
  const y1: number[] = [];
  const x2: number[] = [];
  const y2: number[] = [];
  BANDS.forEach((b, i) => {
    const p = P[i]!;
    if (b.hz >= 50 && b.hz < 1000) lo += p;
    if (b.hz >= 1000 && b.hz <= 5000) hi += p;
    if (b.hz <= 2000) max02 = Math.max(max02, p);
    else if (b.hz <= 5000) max25 = Math.max(max25, p);
    if (b.hz <= 500) {
      x1.push(b.hz);
      y1.push(dB(p));
    } else if (b.hz <= 1500) {
      x2.push(b.hz);
      y2.push(dB(p));
    }
  });
  // openSMILE sign conventions: alpha ratio = high band over low band (negative for speech), Hammarberg = low peak over high peak
  return [dB(hi) - dB(lo), dB(max02) - dB(max25), slope(x1, y1), slope(x2, y2)];
}

const stddevNorm = (x: ArrayLike<number>): number => {
  const m = meanOf(x);
  const s = moments(x, m).std;
  return m !== 0 ? softLimit(s / Math.abs(m)) : 0;
};

/** The 10 functionals of F0 and loudness. */
function contour(x: Float64Array, step: number): number[] {
  if (x.length === 0) return new Array<number>(10).fill(0);
  const s = Float64Array.from(x).sort();
  const p = peaks2(x, meanOf(x), s[s.length - 1]! - s[0]!, step);
  const [p20, p50, p80] = [pctl(s, 0.2), pctl(s, 0.5), pctl(s, 0.8)];
  return [meanOf(x), stddevNorm(x), p20, p50, p80, p80 - p20, p[8]!, p[9]!, p[10]!, p[11]!];
}

/** eGeMAPS-style functionals of one utterance (EGEMAPS_FUNCTIONALS_DIM values, EGEMAPS_NAMES order). */
export function egemapsFunctionals(features: Features, frameStepSec = 0.01): Float32Array {
  const T = features.lldFrames;
  if (!Number.isInteger(T) || T < 1) throw new FunctionalsError(`need at least one LLD frame, got ${T}`);
  if (features.lld.length !== T * LLD_DIMS) throw new FunctionalsError(`lld has ${features.lld.length} values, expected ${T} × ${LLD_DIMS}`);
  if (features.logmel.length !== features.logmelFrames * LOGMEL_BANDS * 2) throw new FunctionalsError(`logmel has ${features.logmel.length} values, expected ${features.logmelFrames} × ${LOGMEL_BANDS} × 2`);
  const col = (c: number): Float64Array => lldColumn(features, c);
  const f0 = col(F0);
  const voiced = Array.from(f0, (v) => v > 0);
  const pick = (x: ArrayLike<number>, want: boolean): Float64Array => Float64Array.from(Array.from(x).filter((_, t) => voiced[t] === want));
  const step = frameStepSec;
  const out: number[] = [];
  // F0 in semitones from 27.5 Hz, voiced frames; loudness, all frames
  out.push(...contour(Float64Array.from(Array.from(f0).filter((v) => v > 0), (v) => 12 * Math.log2(v / 27.5)), step));
  const loud = col(LOUDNESS);
  out.push(...contour(loud, step));
  const flux = col(FLUX);
  const mfcc = [0, 1, 2, 3].map((k) => col(MFCC1 + k));
  for (const x of [flux, ...mfcc]) out.push(meanOf(x), stddevNorm(x));
  for (const c of [JITTER, SHIMMER, HNR]) {
    const x = pick(col(c), true);
    out.push(meanOf(x), stddevNorm(x));
  }
  // band-energy LLDs per frame from the log-Mel spectrum (frames aligned at the start, 10 ms step both)
  const spec: number[][] = [[], [], [], []];
  const frame = new Float64Array(LOGMEL_BANDS);
  for (let t = 0; t < T; t++) {
    const tm = Math.min(t, features.logmelFrames - 1);
    for (let b = 0; b < LOGMEL_BANDS; b++) frame[b] = features.logmel[(tm * LOGMEL_BANDS + b) * 2]!;
    const v = bandSpectralLlds(frame);
    for (let k = 0; k < 4; k++) spec[k]!.push(Number.isFinite(v[k]) ? v[k] : 0);
  }
  for (const x of [...spec, flux, ...mfcc]) {
    const v = pick(x, true);
    out.push(meanOf(v), stddevNorm(v));
  }
  for (const x of [...spec, flux]) out.push(meanOf(pick(x, false)));
  const dur = T * step;
  const lr = loud.reduce((a, b) => Math.max(a, b), -Infinity) - loud.reduce((a, b) => Math.min(a, b), Infinity);
  out.push(pickExtrema(loud, 0.1, lr).filter((e) => e.max).length / dur);
  const vRuns = runs(f0, (v) => v > 0);
  const uRuns = runs(f0, (v) => !(v > 0));
  const vs = segmentStats(vRuns, step);
  const us = segmentStats(uRuns, step);
  out.push(vRuns.length / dur, vs[0]!, vs[3]!, us[0]!, us[3]!);
  const rms = col(RMS);
  out.push(dB(meanOf(Array.from(rms, (v) => v * v))));
  if (out.length !== EGEMAPS_FUNCTIONALS_DIM) throw new Error(`egemapsFunctionals: ${out.length} values, expected ${EGEMAPS_FUNCTIONALS_DIM}`);
  const f = Float32Array.from(out);
  for (let i = 0; i < f.length; i++) if (!Number.isFinite(f[i]!)) f[i] = 0;
  return f;
}
