// openSMILE cMelspec (nBands 26, 20–8000 Hz, usePower, mel scale, bwMethod lr) on a 512-point spectrum:
// triangles in the mel domain with peak 1 and no area normalisation, bins k = 2…255 only (FEATURES-SPEC §5.4).

export const MEL_BANDS = 26;
const LO_HZ = 20;
const HI_HZ = 8000;

/** openSMILE's mel: 1127·ln(1 + f/700). */
export function hzToMel(f: number): number {
  return 1127 * Math.log(1 + f / 700);
}

export function melToHz(m: number): number {
  return 700 * (Math.exp(m / 1127) - 1);
}

/** Precomputed bin→band map: each used bin feeds a lower band with weight w and the next band with 1−w. */
export class MelFilterbank {
  /** Centre frequency of each band in Hz (the peak of triangle b is at mel centre b+1). */
  readonly centresHz: Float64Array;
  private readonly firstBin: number;
  private readonly lowerBand: Int32Array; // −1 when the bin lies below the first peak
  private readonly weight: Float64Array;

  constructor(fftSize = 512, sampleRate = 16000) {
    const df = sampleRate / fftSize;
    const mLo = hzToMel(LO_HZ);
    const mHi = hzToMel(HI_HZ);
    const cf = new Float64Array(MEL_BANDS + 2);
    for (let m = 0; m < cf.length; m++) cf[m] = mLo + (m * (mHi - mLo)) / (MEL_BANDS + 1);
    this.centresHz = new Float64Array(MEL_BANDS);
    for (let b = 0; b < MEL_BANDS; b++) this.centresHz[b] = melToHz(cf[b + 1]!);
    // Only nLoF < k < nHiF, nLoF = round(lo/df), nHiF = round(hi/df).
    const nLo = Math.round(LO_HZ / df);
    const nHi = Math.round(HI_HZ / df);
    this.firstBin = nLo + 1;
    const count = Math.max(0, nHi - nLo - 1);
    this.lowerBand = new Int32Array(count);
    this.weight = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const mel = hzToMel((this.firstBin + i) * df);
      let j = 1;
      while (j < cf.length - 1 && mel > cf[j]!) j++;
      // cf[j−1] < mel ≤ cf[j]: weight w to band j−2, 1−w to band j−1.
      this.lowerBand[i] = j - 2;
      this.weight[i] = (cf[j]! - mel) / (cf[j]! - cf[j - 1]!);
    }
  }

  /** Band energies of power spectrum `power` (|X|², fftSize/2+1 bins) into `out` (26 values), times `scale`. */
  apply(power: ArrayLike<number>, out: Float64Array, scale = 1): Float64Array {
    out.fill(0);
    const lower = this.lowerBand;
    const weight = this.weight;
    for (let i = 0, k = this.firstBin; i < lower.length; i++, k++) {
      const p = power[k]!;
      const b = lower[i]!;
      const w = weight[i]!;
      if (b >= 0) out[b]! += p * w;
      if (b + 1 < MEL_BANDS) out[b + 1]! += p * (1 - w);
    }
    if (scale !== 1) for (let b = 0; b < MEL_BANDS; b++) out[b]! *= scale;
    return out;
  }
}
