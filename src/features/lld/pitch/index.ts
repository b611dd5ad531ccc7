// F0 / voice-quality group (openSMILE ComParE 2016 columns 1–6), before smoothing:
// SHS candidates (shs.ts) → Viterbi smoothing (viterbi.ts) → 60 ms RMS gate → jitter/shimmer/HNR (jitter.ts).
import { FRAME_60MS, FRAME_STEP, frameCount } from '../../framing.ts';
import { PitchJitter } from './jitter.ts';
import { N_CANDIDATES, ShsPitch } from './shs.ts';
import { viterbiPitchStates } from './viterbi.ts';
import { scratchF32 } from '../../scratch.ts';

export const PITCH_COLUMNS = 6;
/** cValbasedSelector `is13_volmerge`: F0 and voicing are zeroed unless the windowed RMS exceeds this. */
const ENERGY_THRESHOLD = 0.001;

/** openSMILE reads int16 as s/32767 (float32); the input is s/32768. */
export function toOpenSmileScale(x: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  const y = out;
  for (let i = 0; i < x.length; i++) y[i] = (x[i]! * 32768) / 32767;
  return y;
}

/** Raw (unsmoothed) Nz group, one row per 60 ms frame (count `n60`), 6 columns:
 *  F0final, voicingFinalUnclipped, jitterLocal, jitterDDP, shimmerLocal, logHNR. */
export function computePitchGroupRaw(x: Float32Array, n60: number): Float32Array {
  if (!Number.isInteger(n60) || n60 < 0) throw new RangeError(`n60 must be a non-negative integer, got ${n60}`);
  const available = frameCount(x.length, FRAME_60MS, FRAME_STEP);
  if (n60 > available) throw new RangeError(`n60 = ${n60} exceeds the ${available} whole 60 ms frames in ${x.length} samples`);
  const out = new Float32Array(n60 * PITCH_COLUMNS);
  if (n60 === 0) return out;
  const xs = toOpenSmileScale(x, scratchF32('pitch.input', x.length));

  const shs = new ShsPitch();
  const f0 = new Float64Array(n60 * N_CANDIDATES);
  const voicing = new Float64Array(n60 * N_CANDIDATES);
  const rms = new Float64Array(n60);
  for (let t = 0; t < n60; t++) {
    rms[t] = shs.analyse(xs, t * FRAME_STEP, f0, voicing, t * N_CANDIDATES);
  }
  const states = viterbiPitchStates(f0, voicing, n60);

  const jitter = new PitchJitter(xs);
  for (let t = 0; t < n60; t++) {
    const s = states[t]!;
    const o = t * N_CANDIDATES;
    let f = s < N_CANDIDATES ? f0[o + s]! : 0;
    // voicingFinalUnclipped: the chosen candidate's voicing, or candidate 0's when unvoiced.
    let v = s < N_CANDIDATES ? voicing[o + s]! : voicing[o]!;
    if (!(rms[t]! > ENERGY_THRESHOLD)) { f = 0; v = 0; }
    const r = t * PITCH_COLUMNS;
    out[r] = f;
    out[r + 1] = v;
    jitter.process(t, f, out, r + 2);
  }
  return out;
}
