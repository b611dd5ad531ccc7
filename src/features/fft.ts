// Real FFT magnitude/power spectra on zero-padded frames, backed by fft.js (radix-4, float64).
import FFT from 'fft.js';

export class RealFft {
  readonly size: number;
  readonly bins: number;
  private readonly fft: FFT;
  private readonly input: Float64Array;
  private readonly out: number[];

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new RangeError(`FFT size must be a power of 2 ≥ 4, got ${size}`);
    this.size = size;
    this.bins = size / 2 + 1;
    this.fft = new FFT(size);
    this.input = new Float64Array(size);
    this.out = this.fft.createComplexArray() as number[];
  }

  /** Transform `frame` (length ≤ size, zero-padded at the end) and leave the complex result in `this.out`. */
  private run(frame: ArrayLike<number>): void {
    const n = frame.length;
    if (n > this.size) throw new RangeError(`frame of ${n} samples exceeds FFT size ${this.size}`);
    const x = this.input;
    for (let i = 0; i < n; i++) x[i] = frame[i]!;
    x.fill(0, n);
    this.fft.realTransform(this.out, x);
  }

  /** |X[k]|, k = 0…size/2. Zero-padding position changes only the phase, so this equals a centred pad's magnitude. */
  magnitude(frame: ArrayLike<number>, out: Float64Array = new Float64Array(this.bins)): Float64Array {
    this.run(frame);
    const o = this.out;
    for (let k = 0; k < this.bins; k++) {
      const re = o[2 * k]!;
      const im = o[2 * k + 1]!;
      out[k] = Math.sqrt(re * re + im * im);
    }
    return out;
  }

  /** |X[k]|², k = 0…size/2. */
  power(frame: ArrayLike<number>, out: Float64Array = new Float64Array(this.bins)): Float64Array {
    this.run(frame);
    const o = this.out;
    for (let k = 0; k < this.bins; k++) {
      const re = o[2 * k]!;
      const im = o[2 * k + 1]!;
      out[k] = re * re + im * im;
    }
    return out;
  }
}
