// F0 candidates by subharmonic summation, as openSMILE 3.0.2 computes them for ComParE 2016:
// 60 ms Gaussian frame → |FFT| (1024) → cSpecScale (specEnhance, specSmooth, spline to a log2 axis,
// auditory weighting) → cPitchShs (15 harmonics, ×0.85 each, greedy peak list) → cPitchBase
// (52–620 Hz range, best score first). Also the RMS of the windowed frame (the energy gate's input).
// FLOAT_DMEM values are float32 in openSMILE; Math.fround marks where that rounding happens.
import { RealFft } from '../../fft.ts';
import { gaussian } from '../../windows.ts';
import { NaturalSplineResampler } from './spline.ts';
import { quadFrom3pts } from './parabola.ts';

export { quadFrom3pts };

export const FRAME = 960;
export const NFFT = 1024;
export const NMAG = NFFT / 2 + 1; // 513 bins, also the number of log2-scale points
export const N_CANDIDATES = 6;
const N_HARMONICS = 15;
const COMPRESSION = Math.fround(0.85);
const MIN_F = 25;
const MIN_PITCH = 52;
const MAX_PITCH = 620;

const log2 = (v: number): number => Math.log(v) / Math.log(2);

/** Peak enhancement of smileDsp_specEnhanceSHS, in place. Keeps ±2 bins around each local maximum
 *  and zeroes what lies between two maxima. With exactly one maximum, openSMILE reads an unset
 *  slot (0) as its position, so everything from index 3 on is zeroed: reproduced on purpose. */
export function specEnhance(a: Float64Array, n: number = a.length, posmax: Int32Array = new Int32Array(((n + 1) >> 1) + 2)): void {
  if (n < 2) return;
  let nmax = 0;
  if (a[0]! > a[1]!) posmax[nmax++] = 0;
  for (let i = 1; i < n - 1; i++) {
    if (a[i]! > a[i - 1]! && a[i]! >= a[i + 1]!) posmax[nmax++] = i;
  }
  if (a[n - 1]! > a[n - 2]!) posmax[nmax++] = n - 1;
  if (nmax === 1) {
    for (let j = 3; j < n; j++) a[j] = 0;
  } else {
    for (let i = 1; i < nmax; i++) {
      const end = posmax[i]! - 3;
      for (let j = posmax[i - 1]! + 3; j <= end; j++) a[j] = 0;
    }
  }
}

/** smileDsp_specSmoothSHS, in place: [1 2 1]/4 with a zero before index 0; the last bin is left as is. */
export function specSmooth(a: Float64Array, n: number = a.length): void {
  let prev = 0;
  for (let i = 0; i < n - 1; i++) {
    const ai = a[i]!;
    a[i] = (prev + 2 * ai + a[i + 1]!) / 4;
    prev = ai;
  }
}


/** Per-frame SHS analysis with every table precomputed; reuse one instance for all frames. */
export class ShsPitch {
  private readonly window: Float64Array;
  private readonly fft = new RealFft(NFFT);
  private readonly frame = new Float64Array(FRAME);
  private readonly mag = new Float64Array(NMAG);
  private readonly spline: NaturalSplineResampler;
  private readonly logSpec = new Float64Array(NMAG);
  private readonly audw = new Float64Array(NMAG);
  private readonly ss = new Float64Array(NMAG);
  private readonly shifts = new Int32Array(N_HARMONICS - 1);
  private readonly weights = new Float64Array(N_HARMONICS - 1);
  private readonly posmax = new Int32Array((NMAG + 1) / 2 + 2);
  private readonly fmint: number;
  private readonly fstept: number;
  private readonly quad = new Float64Array(2);
  private readonly candIdx = new Float64Array(N_CANDIDATES);
  private readonly candScore = new Float64Array(N_CANDIDATES);
  private readonly f0 = new Float64Array(N_CANDIDATES);
  private readonly voicing = new Float64Array(N_CANDIDATES);

  constructor() {
    // cWindower casts the (double) window to float32 before multiplying.
    this.window = gaussian(FRAME, 0.4).map(Math.fround);
    // cTransformFFT scales the frame size by nfft/N (0.064 s); cSpecScale reads it as a float.
    const deltaF = 1 / Math.fround((0.06 * NFFT) / FRAME);
    const maxF = deltaF * (NMAG - 1);
    const xs = new Float64Array(NMAG);
    for (let i = 1; i < NMAG; i++) xs[i] = log2(i * deltaF);
    xs[0] = 2 * xs[1]! - xs[2]!; // openSMILE's heuristic abscissa for the DC bin
    const fminT = log2(MIN_F);
    const fmaxT = log2(maxF);
    const stepT = (fmaxT - fminT) / (NMAG - 1);
    const targets = new Float64Array(NMAG);
    for (let i = 0; i < NMAG; i++) targets[i] = fminT + i * stepT;
    this.spline = new NaturalSplineResampler(xs, targets);

    const nOctaves = Math.log(maxF / MIN_F) / Math.log(2);
    const ppo = NMAG / nOctaves;
    const atanS = ppo * log2(65 / 50) - 1;
    for (let i = 0; i < NMAG; i++) this.audw[i] = 0.5 + Math.atan((3 * (i + 1 - atanS)) / ppo) / Math.PI;

    // cPitchShs reads these from level metadata, stored as float32.
    const ppoF = Math.fround(ppo);
    this.fmint = Math.fround(fminT);
    this.fstept = Math.fround((Math.fround(fmaxT) - this.fmint) / (NMAG - 1));
    let scale = COMPRESSION;
    for (let h = 2; h <= N_HARMONICS; h++) {
      this.shifts[h - 2] = Math.floor(ppoF * log2(h));
      this.weights[h - 2] = scale;
      scale = Math.fround(scale * COMPRESSION);
    }
  }

  /**
   * Analyse the 960-sample frame of `x` (openSMILE scale, float32 values) starting at `start`.
   * Writes 6 candidate F0s (Hz, 0 = empty) and voicing values, in cPitchBase's output order, to
   * f0[o … o+5] and voicing[o … o+5], and returns the RMS of the Gaussian-windowed frame.
   */
  analyse(x: Float32Array, start: number, f0Out: Float64Array, voicingOut: Float64Array, o = 0): number {
    if (start < 0 || start + FRAME > x.length) throw new RangeError(`frame [${start}, ${start + FRAME}) outside the ${x.length}-sample signal`);
    const f0 = this.f0;
    const voicing = this.voicing;
    const { window, frame } = this;
    let e = 0;
    for (let i = 0; i < FRAME; i++) {
      const v = Math.fround(x[start + i]! * window[i]!);
      frame[i] = v;
      e += Math.fround(v * v);
    }
    const rms = Math.fround(Math.sqrt(e / FRAME));

    const mag = this.fft.magnitude(frame, this.mag);
    for (let k = 0; k < NMAG; k++) mag[k] = Math.fround(mag[k]!);
    specEnhance(mag, NMAG, this.posmax);
    specSmooth(mag, NMAG);
    const spec = this.logSpec;
    this.spline.resample(mag, spec);
    const audw = this.audw;
    for (let i = 0; i < NMAG; i++) {
      const v = Math.fround(spec[i]!);
      spec[i] = v > 0 ? Math.fround(v * audw[i]!) : 0;
    }

    // Subharmonic summation: add each harmonic's spectrum shifted down by log2(h) octaves.
    // Per output bin, harmonics are added in openSMILE's order (h = 2, 3, …), so the float32
    // rounding sequence is the same as its shift-and-add loop.
    // Harmonic-major (openSMILE's own loop order): contiguous reads, no per-bin bound test; each bin
    // still adds its harmonics in order h = 2, 3, …, so the float32 results are unchanged.
    const ss = this.ss;
    const shifts = this.shifts;
    const weights = this.weights;
    ss.set(spec);
    for (let h = 0; h < N_HARMONICS - 1; h++) {
      const s = shifts[h]!;
      const w = weights[h]!;
      const end = NMAG - s;
      for (let j = 0; j < end; j++) ss[j] = Math.fround(ss[j]! + Math.fround(spec[j + s]! * w));
    }
    for (let j = 0; j < NMAG; j++) {
      const v = Math.fround(ss[j]! / N_HARMONICS);
      ss[j] = v < 0 ? 0 : v;
    }

    // Greedy peak list: each peak goes before the first empty or lower-scored slot.
    const idx = this.candIdx;
    const score = this.candScore;
    idx.fill(0);
    score.fill(0);
    f0.fill(0);
    voicing.fill(0);
    let nCand = 0;
    let ssMean = ss[0]!;
    for (let i = 1; i < NMAG - 1; i++) {
      const s = ss[i]!;
      if (ss[i - 1]! < s && s > ss[i + 1]!) {
        for (let j = 0; j < N_CANDIDATES; j++) {
          if (score[j] === 0 || score[j]! < s) {
            for (let jj = N_CANDIDATES - 1; jj > j; jj--) {
              score[jj] = score[jj - 1]!;
              idx[jj] = idx[jj - 1]!;
            }
            idx[j] = i;
            score[j] = s;
            if (nCand < N_CANDIDATES) nCand++;
            break;
          }
        }
      }
      ssMean += s;
    }
    ssMean = (ssMean + ss[NMAG - 1]!) / NMAG;

    const q = this.quad;
    const fstept = this.fstept;
    const fmint = this.fmint;
    for (let i = 0; i < nCand; i++) {
      const j = idx[i]!;
      const fa = Math.fround(Math.fround((j - 1) * fstept) + fmint);
      const fb = Math.fround(Math.fround(j * fstept) + fmint);
      const fc = Math.fround(Math.fround((j + 1) * fstept) + fmint);
      quadFrom3pts(fa, ss[j - 1]!, fb, ss[j]!, fc, ss[j + 1]!, q);
      const sc = q[1]!;
      f0[i] = Math.fround(Math.exp(q[0]! * Math.log(2)));
      score[i] = Math.fround(sc);
      voicing[i] = sc > 0 && sc > ssMean ? Math.fround(1 - ssMean / sc) : 0;
    }
    for (let i = nCand; i < N_CANDIDATES; i++) score[i] = 0;

    // cPitchBase: drop candidates outside [minPitch, maxPitch] (shifting the rest up) …
    if (nCand > 0) {
      for (let i = 0; i < N_CANDIDATES && nCand > 0; i++) {
        const fi = f0[i]!;
        if (fi > MAX_PITCH || fi < MIN_PITCH) {
          for (let j = i + 1; j < N_CANDIDATES; j++) {
            f0[j - 1] = f0[j]!;
            voicing[j - 1] = voicing[j]!;
            score[j - 1] = score[j]!;
          }
          f0[N_CANDIDATES - 1] = 0;
          voicing[N_CANDIDATES - 1] = 0;
          score[N_CANDIDATES - 1] = 0;
          if (fi > 0) { nCand--; i--; }
        }
      }
    }
    // … and swap the best-scored candidate into slot 0.
    let maxI = 0;
    let max = score[0]!;
    for (let i = 1; i < N_CANDIDATES; i++) {
      if (score[i]! > max) { max = score[i]!; maxI = i; }
    }
    if (maxI > 0) {
      let t = f0[0]!; f0[0] = f0[maxI]!; f0[maxI] = t;
      t = voicing[0]!; voicing[0] = voicing[maxI]!; voicing[maxI] = t;
      t = score[0]!; score[0] = score[maxI]!; score[maxI] = t;
    }
    for (let i = 0; i < N_CANDIDATES; i++) {
      f0Out[o + i] = f0[i]!;
      voicingOut[o + i] = voicing[i]!;
    }
    return rms;
  }
}
