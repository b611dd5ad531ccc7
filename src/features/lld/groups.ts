// Raw (unsmoothed) LLD groups A and B, one pass over the signal with one 512-point FFT per 20 ms frame.
import { RealFft } from '../fft.ts';
import { FRAME_20MS, FRAME_60MS, FRAME_STEP } from '../framing.ts';
import { hamming } from '../windows.ts';
import { Loudness, RastaAudSpec } from './audspec.ts';
import { rmsEnergy, zeroCrossingRates } from './energy.ts';
import { MEL_BANDS, MelFilterbank } from './melspec.ts';
import { Mfcc, MFCC_COUNT } from './mfcc.ts';
import { SPECTRAL_COUNT, SpectralFeatures } from './spectral.ts';

/** Group A at 20 ms: loudness, RASTA loudness, RMS energy (ZCR, the 4th A column, is on 60 ms frames). */
export const GROUP_A20_COLS = 3;
/** Group B: 26 RASTA bands, 15 spectral, 14 MFCC. */
export const GROUP_B_COLS = MEL_BANDS + SPECTRAL_COUNT + MFCC_COUNT;
const FFT_SIZE = 512;
const HTK_SCALE = 32767 * 32767;

export interface RawGroupsAB {
  n20: number;
  n60: number;
  /** n20×3 */
  a20: Float32Array;
  /** n60 */
  zcr: Float32Array;
  /** n20×55 */
  b: Float32Array;
}

// Reused across calls: tables and scratch buffers (no per-frame allocation).
let shared: {
  fft: RealFft;
  win: Float64Array;
  fb: MelFilterbank;
  frame: Float64Array;
  mag: Float64Array;
  power: Float64Array;
  mel: Float64Array;
  melHtk: Float64Array;
  rastaOut: Float64Array;
  feat: Float64Array;
  mfcc: Mfcc;
} | null = null;

function scratch(): NonNullable<typeof shared> {
  if (!shared) {
    const fft = new RealFft(FFT_SIZE);
    shared = {
      fft,
      win: hamming(FRAME_20MS),
      fb: new MelFilterbank(FFT_SIZE, 16000),
      frame: new Float64Array(FRAME_20MS),
      mag: new Float64Array(fft.bins),
      power: new Float64Array(fft.bins),
      mel: new Float64Array(MEL_BANDS),
      melHtk: new Float64Array(MEL_BANDS),
      rastaOut: new Float64Array(MEL_BANDS),
      feat: new Float64Array(SPECTRAL_COUNT + MFCC_COUNT),
      mfcc: new Mfcc(),
    };
  }
  return shared;
}

/** `s`: the signal at openSMILE's scale (int16/32767). Frame counts are whole frames at a 10 ms step. */
export function computeGroupsABRaw(s: Float32Array, n20: number, n60: number): RawGroupsAB {
  const t = scratch();
  const { fft, win, fb, frame, mag, power, mel, melHtk, rastaOut, feat, mfcc } = t;
  const loud = new Loudness(fb.centresHz);
  const rasta = new RastaAudSpec(fb.centresHz);
  const spectral = new SpectralFeatures();
  const a20 = new Float32Array(n20 * GROUP_A20_COLS);
  const b = new Float32Array(n20 * GROUP_B_COLS);

  for (let r = 0; r < n20; r++) {
    const start = r * FRAME_STEP;
    for (let i = 0; i < FRAME_20MS; i++) frame[i] = Math.fround(s[start + i]! * win[i]!);
    fft.magnitude(frame, mag);
    // openSMILE keeps spectra as float32; rounding here keeps threshold decisions (roll-off, extrema) alike.
    for (let k = 0; k < mag.length; k++) {
      const m = Math.fround(mag[k]!);
      mag[k] = m;
      power[k] = Math.fround(m * m);
    }
    fb.apply(power, mel);
    for (let m = 0; m < MEL_BANDS; m++) {
      mel[m] = Math.fround(mel[m]!);
      melHtk[m] = Math.fround(mel[m]! * HTK_SCALE);
    }

    const ao = r * GROUP_A20_COLS;
    a20[ao] = loud.compute(mel);
    a20[ao + 1] = rasta.process(mel, rastaOut);
    a20[ao + 2] = rmsEnergy(s, start, FRAME_20MS);

    const bo = r * GROUP_B_COLS;
    for (let m = 0; m < MEL_BANDS; m++) b[bo + m] = rastaOut[m]!;
    spectral.compute(mag, power, feat, 0);
    mfcc.compute(melHtk, feat, SPECTRAL_COUNT);
    for (let i = 0; i < SPECTRAL_COUNT + MFCC_COUNT; i++) b[bo + MEL_BANDS + i] = feat[i]!;
  }
  const zcr = zeroCrossingRates(s, n60, FRAME_60MS, FRAME_STEP);
  return { n20, n60, a20, zcr, b };
}
