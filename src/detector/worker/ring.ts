// Fixed-capacity ring of 16 kHz samples addressed by absolute sample index since the session start.

export class SampleRing {
  private readonly buf: Float32Array;
  private written = 0;

  constructor(readonly capacity: number) {
    this.buf = new Float32Array(capacity);
  }

  /** Absolute index one past the last sample written. */
  get end(): number {
    return this.written;
  }

  /** Oldest absolute index still held. */
  get begin(): number {
    return Math.max(0, this.written - this.capacity);
  }

  write(x: Float32Array): void {
    let src = x;
    if (src.length > this.capacity) src = src.subarray(src.length - this.capacity);
    const at = (this.written + (x.length - src.length)) % this.capacity;
    const first = Math.min(src.length, this.capacity - at);
    this.buf.set(src.subarray(0, first), at);
    if (first < src.length) this.buf.set(src.subarray(first), 0);
    this.written += x.length;
  }

  /** Copies [from, to) (clamped to what is held) into a new array. */
  read(from: number, to: number): Float32Array {
    const a = Math.max(from, this.begin);
    const b = Math.min(to, this.end);
    const out = new Float32Array(Math.max(0, b - a));
    for (let i = 0; i < out.length; ) {
      const at = (a + i) % this.capacity;
      const n = Math.min(out.length - i, this.capacity - at);
      out.set(this.buf.subarray(at, at + n), i);
      i += n;
    }
    return out;
  }
}
