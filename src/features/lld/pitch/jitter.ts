// Jitter (local, DDP), shimmer (local) and logHNR as openSMILE's cPitchJitter::myTick computes them
// (ComParE 2016: searchRangeRel 0.25, minNumPeriods 2, minCC 0.5, useBrokenJitterThresh 0, logHNR on).
// The algorithm is stateful across F0 frames (read position, carried-over samples, last period and
// period difference, held outputs), so frames must be fed in order. Accumulators are float32 in
// openSMILE; Math.fround reproduces that where it can move the values (e.g. exact-zero period diffs).

import { quadFrom3pts } from './parabola.ts';

export const STEP = 160; // F0 frame step (samples)
export const FRAME_LEN = 960; // F0 frame length (samples)
const T = 1 / 16000;
const SEARCH_RANGE_REL = 0.25;
const MIN_NUM_PERIODS = 2;
const MIN_CC = 0.5;
export const LOG_HNR_FLOOR = -100;

const f = Math.fround;

/** Pearson correlation of x[a : a+n] and x[b : b+n] (cPitchJitter::crossCorr, two-pass, double).
 *  Reference form; the analyser uses the prefix-sum form below, equal up to double rounding. */
export function crossCorr(x: Float32Array, a: number, b: number, n: number): number {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[a + i]!;
    my += x[b + i]!;
  }
  mx /= n;
  my /= n;
  let cc = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[a + i]! - mx;
    const dy = x[b + i]! - my;
    cc += dx * dy;
    nx += dx * dx;
    ny += dy * dy;
  }
  return cc / (Math.sqrt(nx) * Math.sqrt(ny));
}


/** Peak-to-peak amplitude over samples 1 … n−2 of x[a : a+n] (amplitudeDiff's max − min). */
function peakToPeak(x: Float32Array, a: number, n: number): number {
  let max = x[a + 1]!;
  let min = max;
  for (let i = a + 1; i < a + n - 1; i++) {
    const v = x[i]!;
    if (v > max) max = v;
    if (v < min) min = v;
  }
  return f(max - min);
}

/** Stateful voice-quality analyser over one signal (openSMILE scale, float32 samples). */
export class PitchJitter {
  private readonly x: Float32Array;
  private lastIdx = 0;
  private lastMis = 0;
  private lastT0 = 0;
  private lastDiff = 0;
  private lastJitterLocal = 0;
  private lastJitterDDP = 0;
  private lastShimmer = 0;
  // Work buffers, grown on demand (lags and periods are bounded by the 52 Hz minimum pitch).
  private cc = new Float64Array(512);
  private periods = new Int32Array(64);
  private avg = new Float64Array(512);
  private readonly quad = new Float64Array(2);
  // Prefix sums of x and x² over the frame's samples: each lag's means and energies in O(1).
  private s1 = new Float64Array(2048);
  private s2 = new Float64Array(2048);

  constructor(x: Float32Array) {
    this.x = x;
  }

  /**
   * Process F0 frame `k` (its 960 samples start at 160·k) with the gated F0final `f0` (0 = unvoiced).
   * Writes jitterLocal, jitterDDP, shimmerLocal, logHNR to out[o … o+3].
   */
  process(k: number, f0: number, out: Float32Array, o: number): void {
    const x = this.x;
    const startV = STEP * k;
    const toRead0 = STEP + this.lastMis;
    let toRead = toRead0;
    let T0f = 0;
    let T0minF = 0;
    let T0maxF = 0;
    if (f0 > 0) {
      const Tf = 1 / f0 / T;
      T0f = Math.round(Tf);
      T0minF = Math.floor((1 - SEARCH_RANGE_REL) * Tf);
      T0maxF = Math.ceil((1 + SEARCH_RANGE_REL) * Tf);
      const twoPp = MIN_NUM_PERIODS * T0maxF + MIN_NUM_PERIODS;
      if (toRead < twoPp) toRead = twoPp;
    }
    let maxRead = this.lastMis + FRAME_LEN;
    if (toRead > maxRead) toRead = maxRead;
    if (startV - this.lastMis !== this.lastIdx) {
      // Resynchronise (openSMILE does this after a discontinuity in the F0 frame indices).
      this.lastIdx = startV;
      if (toRead > FRAME_LEN) toRead = FRAME_LEN;
      if (maxRead > FRAME_LEN) maxRead = FRAME_LEN;
    }
    const base = this.lastIdx;
    const nT = Math.max(0, Math.min(toRead, x.length - base));

    let nPeriods = 0;
    let nPeriodsLocal = 0;
    let nPeriodsDDP = 0;
    let avgPeriod = 0;
    let jitterLocal = 0;
    let jitterDDP = 0;
    let avgAmp = 0;
    let avgAmpDiff = 0;
    let lgHNR = 0;
    let lastPeriod = 0;

    if (f0 > 0) {
      const span = T0maxF - T0minF;
      if (this.cc.length < span + 1) this.cc = new Float64Array(span + 1);
      if (this.avg.length < T0f + 1) this.avg = new Float64Array(T0f + 1);
      const maxPeriods = Math.floor(nT / Math.max(1, T0minF)) + 4;
      if (this.periods.length < maxPeriods) this.periods = new Int32Array(maxPeriods);
      const cc = this.cc;
      const avg = this.avg;
      const periods = this.periods;
      const q = this.quad;
      avg.fill(0, 0, T0f + 1);
      let numPeriods = 0;
      let start = 0;
      let pp = 0;
      if (this.s1.length < nT + 1) { this.s1 = new Float64Array(nT + 1); this.s2 = new Float64Array(nT + 1); }
      const s1 = this.s1;
      const s2 = this.s2;
      for (let i = 0, a = 0, b = 0; i < nT; i++) {
        const v = x[base + i]!;
        a += v;
        b += v * v;
        s1[i + 1] = a;
        s2[i + 1] = b;
      }
      while (start < nT - 2 * T0maxF - 1) {
        const s = base + start;
        for (let L = T0minF; L <= T0maxF; L++) {
          // Pearson r of x[start : start+L] and x[start+L : start+2L] from Σx, Σx² and one Σxy pass.
          let sxy = 0;
          for (let i = 0; i < L; i++) sxy += x[s + i]! * x[s + L + i]!;
          const sx = s1[start + L]! - s1[start]!;
          const sy = s1[start + 2 * L]! - s1[start + L]!;
          const cxy = sxy - (sx * sy) / L;
          const cxx = s2[start + L]! - s2[start]! - (sx * sx) / L;
          const cyy = s2[start + 2 * L]! - s2[start + L]! - (sy * sy) / L;
          cc[L - T0minF] = cxy / (Math.sqrt(cxx) * Math.sqrt(cyy));
        }
        // Highest strict local maximum over lag indices 1 … span−2 (openSMILE's loop bound).
        let maxI = -1;
        let max = 0;
        for (let i = 1; i < span - 1; i++) {
          const c = cc[i]!;
          if (cc[i - 1]! < c && c > cc[i + 1]!) {
            if (maxI === -1 || c > max) { maxI = i; max = c; }
          }
        }
        pp = maxI === -1 ? T0f : T0minF + maxI;
        const os = start;
        if (maxI >= 0) {
          start += pp;
          const a0 = peakToPeak(x, base + os, pp);
          const a1 = peakToPeak(x, base + start, pp);
          const ad = f(Math.abs(f(a0 - a1)));
          periods[numPeriods++] = os;
          for (let i = 0; i < T0f; i++) avg[i] = f(avg[i]! + x[base + os + i]!);
          quadFrom3pts(maxI - 1, cc[maxI - 1]!, maxI, cc[maxI]!, maxI + 1, cc[maxI + 1]!, q);
          const ccI = q[1]!;
          if (ccI > MIN_CC) {
            const period = f(Math.abs(T0minF + q[0]!) * T);
            avgPeriod = f(avgPeriod + period);
            nPeriods++;
            if (this.lastT0 > 0) {
              const diff = f(Math.abs(this.lastT0 - period));
              jitterLocal = f(jitterLocal + diff);
              nPeriodsLocal++;
              if (this.lastDiff > 0) {
                jitterDDP = f(jitterDDP + Math.abs(this.lastDiff - diff));
                nPeriodsDDP++;
              }
              this.lastDiff = diff;
            }
            this.lastT0 = period;
            avgAmp = f(avgAmp + f(f(a0 + a1) / 2));
            avgAmpDiff = f(avgAmpDiff + ad);
          }
        } else {
          start += T0f;
        }
        if (start < toRead0 - 1) lastPeriod = start;
      }
      periods[numPeriods++] = start;

      // HNR: average period waveform (the trailing partial period included) vs each period.
      let eh = 0;
      for (let i = 0; i < T0f && start + i < nT; i++) {
        const v = f(f(avg[i]! + x[base + start + i]!) / numPeriods);
        avg[i] = v;
        if (i > 2 && i < T0f - 2) eh = f(eh + f(v * v));
      }
      if (T0f - 4 > 0) eh = f(eh / (T0f - 4));
      eh = f(Math.sqrt(eh));
      periods[numPeriods] = pp > 0 ? start + pp : 0;
      let en = 0;
      let nEn = 0;
      for (let i = 0; i < numPeriods; i++) {
        const p0 = periods[i]!;
        const end = Math.min(periods[i + 1]!, p0 + T0f) - 2;
        let n = 2;
        for (let j = p0 + 2; j < end; j++) {
          const d = f(x[base + j]! - avg[n++]!);
          en = f(en + f(d * d));
          nEn++;
        }
      }
      if (nEn > 0) en = f(en / nEn);
      en = f(Math.sqrt(en));
      if (en > 0) {
        const hnr = f(eh / en);
        lgHNR = hnr > 0 ? f((20 * Math.log(hnr)) / Math.log(10)) : LOG_HNR_FLOOR;
      }
      this.lastMis = toRead0 - lastPeriod;
    } else {
      lastPeriod = toRead0;
      this.lastMis = 0;
      this.lastT0 = 0;
      this.lastDiff = 0;
      this.lastJitterLocal = 0;
      this.lastJitterDDP = 0;
      this.lastShimmer = 0;
      lgHNR = LOG_HNR_FLOOR;
    }
    this.lastIdx += lastPeriod;

    const voiced = f0 > 0;
    // jitterLocal / jitterDDP: new value if computed, held value if no period was accepted.
    if (nPeriods > 0 && nPeriodsLocal > 0 && voiced) {
      this.lastJitterLocal = f(f(jitterLocal / nPeriodsLocal) / f(avgPeriod / nPeriods));
    }
    if (voiced && (nPeriods === 0 || nPeriodsLocal > 0)) {
      if (this.lastJitterLocal > 1) this.lastJitterLocal = 1;
      out[o] = this.lastJitterLocal;
    } else out[o] = 0;

    if (nPeriods > 0 && nPeriodsDDP > 0 && voiced) {
      this.lastJitterDDP = f(f(jitterDDP / nPeriodsDDP) / f(avgPeriod / nPeriods));
    }
    if (voiced && (nPeriods === 0 || nPeriodsDDP > 0)) {
      if (this.lastJitterDDP > 1) this.lastJitterDDP = 1;
      out[o + 1] = this.lastJitterDDP;
    } else out[o + 1] = 0;

    if (nPeriods > 0 && voiced) this.lastShimmer = avgAmp > 0 ? f(avgAmpDiff / avgAmp) : 0;
    if (voiced) {
      if (this.lastShimmer > 1) this.lastShimmer = 1;
      out[o + 2] = this.lastShimmer;
    } else out[o + 2] = 0;

    out[o + 3] = lgHNR < LOG_HNR_FLOOR ? LOG_HNR_FLOOR : lgHNR;
  }
}
