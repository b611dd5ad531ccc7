// openSMILE cPlp auditory spectra (FEATURES-SPEC §5.5–5.6): equal-loudness weighted, cube-root compressed
// mel bands; their mean is `audspec_lengthL1norm` (loudness). The RASTA variant band-pass filters log band
// energies over time (`audSpec_Rfilt[0..25]`, mean `audspecRasta_lengthL1norm`).
import { MEL_BANDS } from './melspec.ts';

const MEL_FLOOR = 9.3e-10; // cPlp's default melfloor
const COMPRESSION = 0.33;
const FRAME_PERIOD = 0.01;
/** cPlp newRASTA: the filter's output stays 0 (and it has no feedback) for this many initial frames. */
const RASTA_WARMUP = 5;

/** smileDsp_equalLoudnessWeight (note the w⁷ in the denominator). */
export function equalLoudnessWeight(f: number): number {
  const w = 2 * Math.PI * f;
  const w2 = w * w;
  return (1e32 * (w2 + 56.8e6) * w2 * w2) / ((w2 + 6.3e6) * (w2 + 6.3e6) * (w2 + 0.38e9) * (w2 * w2 * w2 * w + 1.7e31));
}

/** Loudness: mean over bands of (max(M, floor)·eql)^0.33 (openSMILE's "L1 norm" is a plain mean, no abs). */
export class Loudness {
  private readonly logEql: Float64Array;
  constructor(centresHz: Float64Array) {
    this.logEql = centresHz.map((f) => Math.log(equalLoudnessWeight(f)));
  }

  compute(mel: Float64Array): number {
    let sum = 0;
    for (let b = 0; b < MEL_BANDS; b++) sum += Math.exp(COMPRESSION * (Math.log(Math.max(mel[b]!, MEL_FLOOR)) + this.logEql[b]!));
    return sum / MEL_BANDS;
  }
}

/** Stateful RASTA auditory spectrum: feed frames in order, one `process` call per 20 ms frame. */
export class RastaAudSpec {
  private readonly logEql: Float64Array;
  private readonly b: Float64Array;
  private readonly a: number;
  private readonly state: Float64Array; // 4 delay registers per band (transposed direct form)
  private frames = 0;

  constructor(centresHz: Float64Array) {
    this.logEql = centresHz.map((f) => Math.log(equalLoudnessWeight(f)));
    this.a = 1 - Math.sin(2 * Math.PI * 1 * FRAME_PERIOD);
    const om = Math.cos(2 * Math.PI * 29 * FRAME_PERIOD);
    const norm = Math.sqrt(10 * (32 * om * om + 8));
    this.b = Float64Array.of(2 / norm, (-4 * om) / norm, 0, (4 * om) / norm, -2 / norm);
    this.state = new Float64Array(4 * MEL_BANDS);
  }

  /** Writes the 26 filtered bands into `out` and returns their mean. */
  process(mel: Float64Array, out: Float64Array): number {
    const [b0, b1, b2, b3, b4] = this.b as unknown as [number, number, number, number, number];
    const s = this.state;
    const warm = this.frames >= RASTA_WARMUP;
    const g = warm ? this.a : 0;
    let sum = 0;
    for (let band = 0; band < MEL_BANDS; band++) {
      const m = mel[band]!;
      const x = Math.log(m < MEL_FLOOR ? MEL_FLOOR : m);
      const o = 4 * band;
      const y = b0 * x + s[o]!;
      s[o] = b1 * x + s[o + 1]! + g * y;
      s[o + 1] = b2 * x + s[o + 2]!;
      s[o + 2] = b3 * x + s[o + 3]!;
      s[o + 3] = b4 * x;
      const v = Math.exp(COMPRESSION * ((warm ? y : 0) + this.logEql[band]!));
      out[band] = v;
      sum += v;
    }
    this.frames++;
    return sum / MEL_BANDS;
  }
}
