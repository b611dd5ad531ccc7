// openSMILE cSpectral with ComParE settings (FEATURES-SPEC §5.8) on the 20 ms Hamming spectrum (257 bins,
// 31.25 Hz apart). Range = bins 1…256 (freqRange 0-0), power = |X|² (squareInput), oldSlopeScale (×255).

export const SPECTRAL_COUNT = 15;
const BINS = 256; // k = 1…256
const DF = 31.25;
const ROLLOFFS = [0.25, 0.5, 0.75, 0.9] as const;
const ENTROPY_FLOOR = 1e-7;
/** smileStat_entropy replaces a sum below 1e-7 by the float32 value of 1e-7; on silence that leaves
 *  H = 4.316e-6 instead of 0, and openSMILE's output shows it. */
const ENTROPY_SUM_FLOOR = Math.fround(1e-7);
const LOG2 = Math.LN2;

/** fband250-650 and fband1000-4000 as openSMILE's bin metadata maps them at 31.25 Hz spacing (spec §5.8):
 *  first bin, last bin, weight of the last bin (the first has weight 1). */
const FBANDS: ReadonlyArray<readonly [number, number, number]> = [
  [8, 20, 0.8],
  [32, 128, 1],
];

/** Traunmüller Bark with openSMILE's low/high corrections. */
export function barkTraunmueller(f: number): number {
  const z = 26.81 / (1 + 1960 / f) - 0.53;
  if (z < 2) return 0.85 * z + 0.3;
  if (z > 20.1) return 1.22 * z - 0.22 * 20.1;
  return z;
}

/** Stateful (flux needs the previous frame): call `compute` once per frame, in order. */
export class SpectralFeatures {
  private readonly freq = new Float64Array(BINS + 1);
  private readonly sharpWeight = new Float64Array(BINS + 1); // z·g(z)
  private readonly prevMag = new Float64Array(BINS + 1);
  private readonly sumF: number;
  private readonly sumF2: number;
  private first = true;

  constructor() {
    let sf = 0;
    let sf2 = 0;
    for (let k = 1; k <= BINS; k++) {
      const f = k * DF;
      this.freq[k] = f;
      sf += f;
      sf2 += f * f;
      const z = barkTraunmueller(f);
      const g = z <= 16 ? 1 : Math.pow((z - 16) / 4, 1.5849625) + 1;
      this.sharpWeight[k] = z * g;
    }
    this.sumF = sf;
    this.sumF2 = sf2;
  }

  /** `mag` = |X[k]|, `power` = |X[k]|², k = 0…256. Writes the 15 features at out[offset…] in openSMILE order:
   *  fband250-650, fband1000-4000, rolloff 25/50/75/90, flux, centroid, entropy, variance, skewness, kurtosis,
   *  slope, psySharpness, harmonicity. */
  compute(mag: Float64Array, power: Float64Array, out: Float64Array, offset = 0): void {
    const P = power;
    const f = this.freq;
    let o = offset;

    for (let b = 0; b < FBANDS.length; b++) {
      const [first, last, wLast] = FBANDS[b]!;
      let band = 0;
      for (let k = first; k < last; k++) band += P[k]!;
      out[o++] = (band + P[last]! * wLast) / BINS;
    }

    // One pass for the sums that need nothing else: total power, Σf·P, sharpness, flux.
    // psySharpness is summed in a float32 accumulator as openSMILE does; on steady tones (tiny column
    // range) the difference to a float64 sum is visible.
    const prev = this.prevMag;
    const sw = this.sharpWeight;
    let total = 0;
    let sfp = 0;
    let sharp = 0;
    let flux = 0;
    for (let k = 1; k <= BINS; k++) {
      const p = P[k]!;
      total += p;
      sfp += f[k]! * p;
      sharp = Math.fround(sharp + Math.fround(sw[k]! * p));
      const d = mag[k]! - prev[k]!;
      flux += d * d;
      prev[k] = mag[k]!;
    }
    if (this.first) flux = 0; // no previous frame
    this.first = false;

    // Roll-off: first k with the cumulative power ≥ r·total (so 31.25 Hz on silence). On an exact or
    // near tie (a lone ±1 LSB sample makes the spectrum flat) openSMILE's float32 FFT noise decides k vs k+1.
    {
      let cum = 0;
      let r = 0;
      for (let k = 1; k <= BINS && r < ROLLOFFS.length; k++) {
        cum += P[k]!;
        while (r < ROLLOFFS.length && cum >= ROLLOFFS[r]! * total) out[o + r++] = f[k]!;
      }
      while (r < ROLLOFFS.length) out[o + r++] = f[BINS]!;
      o += ROLLOFFS.length;
    }

    out[o++] = Math.sqrt(flux / BINS);

    // Centroid, central moments and entropy (of the floored, normalised power) in one pass.
    const centroid = total > 0 ? sfp / total : 0;
    const s = total < ENTROPY_FLOOR ? ENTROPY_SUM_FLOOR : total;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    let h = 0;
    for (let k = 1; k <= BINS; k++) {
      const pk = P[k]!;
      const d = f[k]! - centroid;
      const d2 = d * d * pk;
      m2 += d2;
      m3 += d2 * d;
      m4 += d2 * d * d;
      const q = Math.max(pk, ENTROPY_FLOOR) / s;
      h -= q * Math.log(q);
    }
    let variance = 0;
    let skewness = 0;
    let kurtosis = 0;
    if (total > 0) {
      variance = m2 / total;
      if (variance > 0) {
        skewness = m3 / (total * variance * Math.sqrt(variance));
        kurtosis = m4 / (total * variance * variance);
      }
    }
    out[o++] = centroid;
    out[o++] = h / LOG2;
    out[o++] = variance;
    out[o++] = skewness;
    out[o++] = kurtosis;

    // Least-squares slope of P on f, × (N−1) (oldSlopeScale).
    const den = BINS * this.sumF2 - this.sumF * this.sumF;
    out[o++] = ((BINS * sfp - this.sumF * total) / den) * (BINS - 1);

    out[o++] = total > 0 ? 0.11 * Math.fround(sharp / total) : 0;

    // Harmonicity: strict extrema over ±2 bins in k = 3…254, half the summed jumps between them, /256;
    // float32 accumulator as openSMILE.
    {
      let sum = 0;
      let last = -1;
      for (let k = 3; k <= BINS - 2; k++) {
        const p = P[k]!;
        const a = P[k - 2]!;
        const b = P[k - 1]!;
        const c = P[k + 1]!;
        const d = P[k + 2]!;
        if ((p > a && p > b && p > c && p > d) || (p < a && p < b && p < c && p < d)) {
          if (last >= 0) sum = Math.fround(sum + Math.fround(Math.abs(p - last)));
          last = p;
        }
      }
      out[o++] = sum / 2 / BINS;
    }
  }
}
