// log-Mel filterbank + Δ exactly as python_speech_features 0.6 computes them
// (`logfbank(sig, 16000, 0.025, 0.01, 40, 512, preemph=0.97)` then `delta(feat, 2)`),
// see ../shared/reference/FEATURES-SPEC.md §5.15. Output layout: (t·40 + band)·2 + channel.
import FFT from 'fft.js';

export interface LogMelConfig {
  sampleRate: number;
  frameLength: number; // samples (psf: round_half_up(winlen·fs))
  frameStep: number;
  nfft: number;
  bands: number;
  preemph: number;
  deltaN: number;
}

export const PSF_LOGMEL: LogMelConfig = {
  sampleRate: 16000,
  frameLength: 400,
  frameStep: 160,
  nfft: 512,
  bands: 40,
  preemph: 0.97,
  deltaN: 2,
};

/** numpy.finfo(float).eps: psf replaces exact-zero filterbank energies by it before the log. */
const EPS = 2.220446049250313e-16;

const hz2mel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const mel2hz = (mel: number) => 700 * (10 ** (mel / 2595) - 1);

/** A triangular filter stored sparsely: weights for bins start … start+weights.length−1. */
interface SparseFilter {
  start: number;
  weights: Float64Array;
}

/** psf get_filterbanks: integer bin edges floor((nfft+1)·hz/fs), peak 1. */
export function psfFilterbank(bands: number, nfft: number, sampleRate: number): SparseFilter[] {
  const lowMel = hz2mel(0);
  const highMel = hz2mel(sampleRate / 2);
  // numpy.linspace: start + i·step, last point exactly `stop`.
  const step = (highMel - lowMel) / (bands + 1);
  const bin: number[] = [];
  for (let i = 0; i < bands + 2; i++) {
    const mel = i === bands + 1 ? highMel : lowMel + i * step;
    bin.push(Math.floor(((nfft + 1) * mel2hz(mel)) / sampleRate));
  }
  const filters: SparseFilter[] = [];
  for (let j = 0; j < bands; j++) {
    const a = bin[j]!;
    const b = bin[j + 1]!;
    const c = bin[j + 2]!;
    const w = new Float64Array(Math.max(0, c - a));
    for (let i = a; i < b; i++) w[i - a] = (i - a) / (b - a);
    for (let i = b; i < c; i++) w[i - a] = (c - i) / (c - b);
    filters.push({ start: a, weights: w });
  }
  return filters;
}

/** psf frame count: 1 if N ≤ frameLength, else 1 + ceil((N − frameLength)/step); the last frame is zero-padded. */
export function logMelFrameCount(samples: number, cfg: LogMelConfig = PSF_LOGMEL): number {
  if (samples <= cfg.frameLength) return 1;
  return 1 + Math.ceil((samples - cfg.frameLength) / cfg.frameStep);
}

/**
 * Reusable log-Mel computer: one FFT object, one sparse filterbank, scratch buffers allocated once and
 * grown only when a longer signal arrives. Not re-entrant (shared scratch); use one per thread.
 */
export class LogMel {
  readonly config: LogMelConfig;
  private readonly fft: FFT;
  private readonly filters: SparseFilter[];
  private readonly frame: Float64Array;
  private readonly spectrum: number[];
  private readonly power: Float64Array;
  private emph = new Float64Array(0);
  private stat = new Float64Array(0);

  constructor(config: Partial<LogMelConfig> = {}) {
    this.config = { ...PSF_LOGMEL, ...config };
    const { nfft, frameLength, bands, sampleRate } = this.config;
    if (frameLength > nfft) throw new RangeError(`frame length ${frameLength} exceeds nfft ${nfft}`);
    this.fft = new FFT(nfft);
    this.filters = psfFilterbank(bands, nfft, sampleRate);
    this.frame = new Float64Array(nfft);
    this.spectrum = this.fft.createComplexArray() as number[];
    this.power = new Float64Array(nfft / 2 + 1);
  }

  /** Frames × bands × 2 (static, Δ) as Float32Array, plus the frame count. */
  compute(x: Float32Array): { data: Float32Array; frames: number } {
    const { frameLength: len, frameStep: step, nfft, bands, preemph, deltaN } = this.config;
    const n = x.length;
    const frames = logMelFrameCount(n, this.config);
    const padded = (frames - 1) * step + len;

    // Pre-emphasis over the whole signal, then zero padding to the last frame's end.
    if (this.emph.length < padded) this.emph = new Float64Array(padded);
    const y = this.emph;
    if (n > 0) y[0] = x[0]!;
    for (let i = 1; i < n; i++) y[i] = x[i]! - preemph * x[i - 1]!;
    y.fill(0, n, padded);

    if (this.stat.length < frames * bands) this.stat = new Float64Array(frames * bands);
    const stat = this.stat;
    const frame = this.frame;
    const spec = this.spectrum;
    const power = this.power;
    const bins = nfft / 2 + 1;
    const filters = this.filters;
    for (let t = 0; t < frames; t++) {
      const s = t * step;
      for (let i = 0; i < len; i++) frame[i] = y[s + i]!;
      // frame[len…nfft) stays zero from construction: only the first `len` entries are ever written.
      this.fft.realTransform(spec, frame);
      for (let k = 0; k < bins; k++) {
        const re = spec[2 * k]!;
        const im = spec[2 * k + 1]!;
        power[k] = (re * re + im * im) / nfft;
      }
      const o = t * bands;
      for (let j = 0; j < bands; j++) {
        const f = filters[j]!;
        const w = f.weights;
        let e = 0;
        for (let i = 0, k = f.start; i < w.length; i++, k++) e += power[k]! * w[i]!;
        stat[o + j] = Math.log(e === 0 ? EPS : e);
      }
    }

    // psf delta: edge-padded regression, Σ n·(f[t+n] − f[t−n]) / (2·Σn²), computed in float64.
    const out = new Float32Array(frames * bands * 2);
    let norm = 0;
    for (let i = 1; i <= deltaN; i++) norm += 2 * i * i;
    const last = frames - 1;
    for (let t = 0; t < frames; t++) {
      const o = t * bands;
      for (let j = 0; j < bands; j++) {
        let d = 0;
        for (let i = 1; i <= deltaN; i++) {
          const ahead = t + i > last ? last : t + i;
          const behind = t - i < 0 ? 0 : t - i;
          d += i * (stat[ahead * bands + j]! - stat[behind * bands + j]!);
        }
        const p = (o + j) * 2;
        out[p] = stat[o + j]!;
        out[p + 1] = d / norm;
      }
    }
    return { data: out, frames };
  }
}
