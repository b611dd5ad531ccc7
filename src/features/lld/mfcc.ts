// openSMILE cMfcc, ComParE settings (FEATURES-SPEC §5.7): input = mel power bands ×32767² (htkcompatible
// melspec), floor 1, natural log, DCT-II with sqrt(2/26), cepLifter 22, coefficients 1…14 (no c0).
import { MEL_BANDS } from './melspec.ts';

export const MFCC_COUNT = 14;
const LIFTER = 22;

export class Mfcc {
  private readonly table: Float64Array; // [i−1][m], DCT basis × norm × lifter
  private readonly logs = new Float64Array(MEL_BANDS);

  constructor() {
    this.table = new Float64Array(MFCC_COUNT * MEL_BANDS);
    const norm = Math.sqrt(2 / MEL_BANDS);
    for (let i = 1; i <= MFCC_COUNT; i++) {
      const lift = 1 + (LIFTER / 2) * Math.sin((Math.PI * i) / LIFTER);
      for (let m = 0; m < MEL_BANDS; m++) {
        this.table[(i - 1) * MEL_BANDS + m] = norm * Math.cos(((Math.PI * i) / MEL_BANDS) * (m + 0.5)) * lift;
      }
    }
  }

  /** `melHtk`: the 26 band powers already multiplied by 32767². Writes 14 coefficients at out[offset…]. */
  compute(melHtk: Float64Array, out: Float64Array, offset = 0): void {
    const logs = this.logs;
    for (let m = 0; m < MEL_BANDS; m++) logs[m] = Math.log(Math.max(melHtk[m]!, 1));
    const t = this.table;
    for (let i = 0; i < MFCC_COUNT; i++) {
      let c = 0;
      for (let m = 0, o = i * MEL_BANDS; m < MEL_BANDS; m++) c += logs[m]! * t[o + m]!;
      out[offset + i] = c;
    }
  }
}
