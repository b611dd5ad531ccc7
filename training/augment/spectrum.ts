// FFT helpers for the augmentations that work on whole clips: linear convolution (reverberation) and
// zero-phase filtering by a frequency response (telephone band, pink noise). One transform of the whole
// zero-padded clip is cheaper and simpler than block convolution at these lengths (seconds, not hours).
import FFT from 'fft.js';

// FFT tables cost O(size) to build; clips repeat a handful of sizes, so keep one transformer per size.
const ffts = new Map<number, FFT>();
function fftOf(size: number): FFT {
  let f = ffts.get(size);
  if (!f) ffts.set(size, (f = new FFT(size)));
  return f;
}

/** Smallest power of two ≥ max(n, 4) (fft.js needs a power of two ≥ 4). */
export function nextPow2(n: number): number {
  let s = 4;
  while (s < n) s *= 2;
  return s;
}

/** Full complex spectrum (interleaved re, im) of real `x` zero-padded to `size`. */
export function spectrum(x: ArrayLike<number>, size: number): Float64Array {
  const input = new Float64Array(size);
  for (let i = 0; i < Math.min(x.length, size); i++) input[i] = x[i]!;
  const out = new Float64Array(2 * size);
  const f = fftOf(size);
  f.realTransform(out, input);
  f.completeSpectrum(out);
  return out;
}

/** First `n` samples of the real part of the inverse transform of `spec` (a spectrum of `size` bins). */
export function inverseReal(spec: Float64Array, size: number, n: number): Float32Array {
  const out = new Float64Array(2 * size);
  fftOf(size).inverseTransform(out, spec);
  const y = new Float32Array(n);
  for (let i = 0; i < Math.min(n, size); i++) y[i] = out[2 * i]!;
  return y;
}

/** The first `n` samples (default: x's length) of the linear convolution x ∗ h. */
export function fftConvolve(x: Float32Array, h: Float32Array, n = x.length): Float32Array {
  if (x.length === 0 || h.length === 0) return new Float32Array(n);
  // Size ≥ x + h − 1: no circular wrap-around into the samples kept.
  const size = nextPow2(x.length + h.length - 1);
  const X = spectrum(x, size);
  const H = spectrum(h, size);
  for (let k = 0; k < size; k++) {
    const re = X[2 * k]! * H[2 * k]! - X[2 * k + 1]! * H[2 * k + 1]!;
    const im = X[2 * k]! * H[2 * k + 1]! + X[2 * k + 1]! * H[2 * k]!;
    X[2 * k] = re;
    X[2 * k + 1] = im;
  }
  return inverseReal(X, size, n);
}

/**
 * `x` filtered by the real, zero-phase response `gain(hz)` (applied to every bin, mirrored for negative
 * frequencies). The clip is padded with `pad` zeros first so that the filter's (two-sided, short when
 * `gain` is smooth) impulse response spills into the padding instead of wrapping onto the clip.
 */
export function zeroPhaseFilter(x: Float32Array, gain: (hz: number) => number, rate = 16000, pad = 4096): Float32Array {
  if (x.length === 0) return new Float32Array(0);
  const size = nextPow2(x.length + pad);
  const X = spectrum(x, size);
  for (let k = 0; k <= size / 2; k++) {
    const g = gain((k * rate) / size);
    X[2 * k] *= g;
    X[2 * k + 1] *= g;
    if (k > 0 && k < size / 2) {
      X[2 * (size - k)] *= g;
      X[2 * (size - k) + 1] *= g;
    }
  }
  return inverseReal(X, size, x.length);
}
