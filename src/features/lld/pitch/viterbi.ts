// Incremental Viterbi pitch smoothing as openSMILE's cPitchSmootherViterbi / cSmileViterbiPitchSmooth
// (pitchSmootherViterbi.cpp/.hpp) run it in ComParE 2016, quirks included because they move F0final:
//  - wTvvd is effectively wTvv (setWeights() assigns `wTvvd = tvv`), so both are 10;
//  - u→u costs 1: the test `i == j == nStates-1` parses as `(i==j) == 6`, never true;
//  - lastChange is one variable shared by every (i, j) evaluation, in loop order, across frames;
//  - an output is emitted when all survivor paths agree, forced after `bufferLength` pending frames,
//    and the trellis is flushed at the end of input.
import { N_CANDIDATES } from './shs.ts';

export interface ViterbiWeights {
  wLocal: number;
  wTvv: number;
  wTvuv: number;
  wThr: number;
  wRange: number;
}

export const COMPARE_WEIGHTS: ViterbiWeights = { wLocal: 2, wTvv: 10, wTvuv: 10, wThr: 4, wRange: 1 };
export const BUFFER_LENGTH = 30;
/** voicingCutoff of the SHS level, a float32 in openSMILE. */
export const VOICING_THRESHOLD = Math.fround(0.7);

/** Built-in frequency-range cost (getFweight). */
export function frequencyWeight(f: number): number {
  if (f > 0 && f < 100) return 1 - f / 100;
  if (f >= 100 && f < 350) return 0;
  if (f >= 350 && f < 600) return (f - 350) / 250;
  if (f >= 600) return 1.2;
  return 2; // f ≤ 0: empty candidate
}

/**
 * Decode the best state per frame. `f0` and `voicing` are rows×nCand row-major candidate tables
 * (0 Hz = empty slot). Returns the chosen state per frame: a candidate index, or nCand for unvoiced.
 */
export function viterbiPitchStates(
  f0: Float64Array,
  voicing: Float64Array,
  rows: number,
  nCand: number = N_CANDIDATES,
  weights: ViterbiWeights = COMPARE_WEIGHTS,
  bufferLength: number = BUFFER_LENGTH,
  threshold: number = VOICING_THRESHOLD,
): Int32Array {
  if (f0.length < rows * nCand || voicing.length < rows * nCand) throw new RangeError('candidate tables are shorter than rows×nCand');
  if (bufferLength < 1) throw new RangeError(`bufferLength must be ≥ 1, got ${bufferLength}`);
  const { wLocal, wTvv, wTvuv, wThr, wRange } = weights;
  const wTvvd = wTvv;
  const nStates = nCand + 1;
  const U = nCand;
  const B = bufferLength;
  const best = new Int32Array(rows);
  let paths = new Int32Array(nStates * B);
  let pathsNew = new Int32Array(nStates * B);
  let cost = new Float64Array(nStates);
  let costNew = new Float64Array(nStates);
  const local = new Float64Array(nStates);
  let lastChange = 1.0;
  let pathIdx = 0;
  let convIdx = -1;

  const localCosts = (t: number): void => {
    const o = t * nCand;
    let anyVoiced = false;
    for (let i = 0; i < nCand; i++) {
      const v = voicing[o + i]!;
      if (v >= threshold) anyVoiced = true;
      let pv = v;
      if (pv < 0.01) pv = 0.01;
      if (pv > 1) pv = 1;
      const thr = pv < threshold ? wThr : 0;
      local[i] = (-Math.log(pv) + thr) * wLocal + frequencyWeight(f0[o + i]!) * wRange;
    }
    local[U] = anyVoiced ? wLocal * wThr : 0;
  };

  for (let t = 0; t < rows; t++) {
    localCosts(t);
    if (pathIdx === 0) {
      for (let i = 0; i < nStates; i++) {
        cost[i] = local[i]!;
        paths[i * B] = i;
      }
    } else {
      const cur = t * nCand;
      const prev = cur - nCand;
      const slot = pathIdx % B;
      for (let i = 0; i < nStates; i++) {
        let minState = 0;
        let minCost = 0;
        for (let j = 0; j < nStates; j++) {
          let tc: number;
          if (i < U && j < U) {
            const fPrev = f0[prev + j]!;
            const fCur = f0[cur + i]!;
            if (fPrev === 0 || fCur === 0) tc = 999;
            else {
              const r = Math.log(Math.fround(fCur / fPrev));
              tc = wTvv * Math.abs(r) + wTvvd * Math.abs(r - lastChange);
              lastChange = r;
            }
          } else if (i === U && j === U) {
            tc = 1;
          } else {
            lastChange = 0;
            tc = wTvuv;
          }
          const c = tc + cost[j]!;
          if (j === 0 || c < minCost) { minCost = c; minState = j; }
        }
        costNew[i] = minCost + local[i]!;
        for (let k = 0, from = minState * B, to = i * B; k < B; k++) pathsNew[to + k] = paths[from + k]!;
        pathsNew[i * B + slot] = i;
      }
      const tc = cost; cost = costNew; costNew = tc;
      const tp = paths; paths = pathsNew; pathsNew = tp;
    }
    pathIdx++;
    if (pathIdx - convIdx > B) {
      let minState = 0;
      for (let i = 1; i < nStates; i++) if (cost[i]! < cost[minState]!) minState = i;
      convIdx++;
      best[convIdx] = paths[minState * B + (convIdx % B)]!;
    } else {
      for (let n = convIdx + 1; n < pathIdx; n++) {
        const x = paths[n % B]!;
        let match = true;
        for (let i = 1; i < nStates; i++) {
          if (paths[i * B + (n % B)] !== x) { match = false; break; }
        }
        if (!match) break;
        convIdx++;
        best[convIdx] = x;
      }
    }
  }
  // End of input: the current best path decides every pending frame.
  let minState = 0;
  for (let i = 1; i < nStates; i++) if (cost[i]! < cost[minState]!) minState = i;
  for (let n = convIdx + 1; n < pathIdx; n++) best[n] = paths[minState * B + (n % B)]!;
  return best;
}
