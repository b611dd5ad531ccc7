// Random signals for the extractor, normalisation and detector properties. fast-check draws a small
// recipe (rate, length, waveform, level, DC, injected special samples, a seed) and `synthesize` turns
// it into samples, so a 30 s signal never sits in fast-check's memory or its reports.
import fc from 'fast-check';

export const RATES = [8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000] as const;

export type Waveform = 'silence' | 'dc' | 'square' | 'noise' | 'sine' | 'chirp' | 'voiced' | 'denormal' | 'impulses' | 'clipped';

/** Samples planted at random positions: what a broken driver or decoder hands over. */
export type Special = 'nan' | '+inf' | '-inf' | 'huge' | 'denormal' | 'negzero';

export interface SignalSpec {
  rate: number;
  samples: number;
  wave: Waveform;
  /** Peak amplitude of the waveform (linear). */
  amp: number;
  /** Added constant. */
  dc: number;
  specials: Array<{ at: number; what: Special }>;
  seed: number;
}

export interface SignalOptions {
  /** Longest signal (seconds; default 30). */
  maxSec?: number;
  /** Fixed rate (the detector and the invariance properties take 16 kHz). */
  rate?: number;
  /** Exclude injected NaN/Inf/huge samples (for properties of valid input). */
  finiteOnly?: boolean;
  waves?: readonly Waveform[];
}

const WAVES: readonly Waveform[] = ['silence', 'dc', 'square', 'noise', 'sine', 'chirp', 'voiced', 'denormal', 'impulses', 'clipped'];

/** Uniform over [min, max] in value. fc.double is uniform over float representations (mostly tiny
 *  numbers) and biased to the ends; the edges that matter are listed explicitly instead. */
function uniform(min: number, max: number): fc.Arbitrary<number> {
  return fc.noBias(fc.integer({ min: 0, max: 1 << 30 })).map((k) => min + ((max - min) * k) / (1 << 30));
}

/** Seconds: mostly short (the cost of a case grows with its length), sometimes up to maxSec, plus the
 *  exact edges around one analysis frame. */
function seconds(maxSec: number): fc.Arbitrary<number> {
  const upTo = (max: number) => uniform(0, Math.min(max, maxSec));
  return fc.oneof(
    { weight: 20, arbitrary: upTo(1.5) },
    { weight: 6, arbitrary: upTo(6) },
    { weight: 1, arbitrary: upTo(maxSec) },
    // 0, a sample, and just under / at / over 60 ms (960 samples at 16 kHz) and 100 ms
    { weight: 3, arbitrary: fc.constantFrom(0, 1 / 16000, 0.059, 0.06, 0.0601, 0.0999, 0.1, 0.1001) },
  );
}

export function signalArb(opts: SignalOptions = {}): fc.Arbitrary<SignalSpec> {
  const maxSec = opts.maxSec ?? 30;
  const rate = opts.rate !== undefined ? fc.constant(opts.rate) : fc.oneof(fc.constantFrom(...RATES), fc.integer({ min: 8000, max: 48000 }));
  const special: fc.Arbitrary<Special> = opts.finiteOnly
    ? fc.constantFrom<Special>('denormal', 'negzero')
    : fc.constantFrom<Special>('nan', '+inf', '-inf', 'huge', 'denormal', 'negzero');
  return fc
    .record({
      rate,
      sec: seconds(maxSec),
      wave: fc.constantFrom(...(opts.waves ?? WAVES)),
      // Level from −120 dBFS to full scale, and sometimes beyond (floats may exceed ±1).
      ampDb: fc.oneof({ weight: 6, arbitrary: uniform(-120, 0) }, { weight: 1, arbitrary: uniform(0, 30) }),
      dc: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: uniform(-1, 1) }),
      specialKinds: fc.oneof({ weight: 3, arbitrary: fc.constant([] as Special[]) }, { weight: 1, arbitrary: fc.array(special, { minLength: 1, maxLength: 3 }) }),
      specialPos: fc.array(uniform(0, 1 - 1e-9), { minLength: 3, maxLength: 3 }),
      seed: fc.integer({ min: 1, max: 0x7fffffff }),
    })
    .map(({ rate, sec, wave, ampDb, dc, specialKinds, specialPos, seed }) => {
      const samples = Math.round(sec * rate);
      return {
        rate,
        samples,
        wave,
        amp: 10 ** (ampDb / 20),
        dc,
        specials: samples === 0 ? [] : specialKinds.map((what, i) => ({ at: Math.floor(specialPos[i]! * samples), what })),
        seed,
      };
    });
}

/** xorshift32: fast, seeded, good enough for test signals. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const SPECIAL_VALUE: Record<Special, number> = {
  nan: Number.NaN,
  '+inf': Number.POSITIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
  huge: 3e38,
  denormal: 1e-42,
  negzero: -0,
};

export function synthesize(spec: SignalSpec): Float32Array {
  const { rate, samples: n, amp, dc } = spec;
  const x = new Float32Array(n);
  const r = rng(spec.seed);
  const f0 = 80 + r() * 300;
  switch (spec.wave) {
    case 'silence':
      break;
    case 'dc':
      x.fill(amp);
      break;
    case 'square': {
      const period = Math.max(2, Math.round(rate / (50 + r() * 2000)));
      for (let i = 0; i < n; i++) x[i] = (i % period) * 2 < period ? amp : -amp;
      break;
    }
    case 'noise':
      for (let i = 0; i < n; i++) x[i] = amp * (2 * r() - 1);
      break;
    case 'sine':
      for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * f0 * 5 * i) / rate);
      break;
    case 'chirp': {
      const f1 = Math.min(rate / 2, 8000);
      const dur = Math.max(n, 1) / rate;
      for (let i = 0; i < n; i++) {
        const t = i / rate;
        x[i] = amp * Math.sin(2 * Math.PI * (20 * t + ((f1 - 20) * t * t) / (2 * dur)));
      }
      break;
    }
    case 'voiced': {
      // Harmonics of a wandering f0 under a syllable-rate envelope, plus a little noise: speech-like.
      let phase = 0;
      for (let i = 0; i < n; i++) {
        const t = i / rate;
        const f = f0 * (1 + 0.1 * Math.sin(2 * Math.PI * 3 * t));
        phase += (2 * Math.PI * f) / rate;
        const env = Math.max(0, Math.sin(2 * Math.PI * 2.5 * t));
        let s = 0;
        for (let h = 1; h <= 8 && h * f < rate / 2; h++) s += Math.sin(h * phase) / h;
        x[i] = amp * (0.5 * env * s + 0.02 * (2 * r() - 1));
      }
      break;
    }
    case 'denormal':
      for (let i = 0; i < n; i++) x[i] = (r() < 0.5 ? -1 : 1) * 1e-40 * r();
      break;
    case 'impulses':
      for (let i = 0; i < n; i++) if (r() < 0.001) x[i] = amp * (r() < 0.5 ? -1 : 1);
      break;
    case 'clipped':
      for (let i = 0; i < n; i++) x[i] = Math.max(-amp, Math.min(amp, 10 * amp * (2 * r() - 1)));
      break;
  }
  if (dc !== 0) for (let i = 0; i < n; i++) x[i] = x[i]! + dc;
  for (const s of spec.specials) x[s.at] = SPECIAL_VALUE[s.what];
  return x;
}

export function describeSignal(s: SignalSpec): string {
  const sp = s.specials.length ? ` specials=${s.specials.map((p) => `${p.what}@${p.at}`).join(',')}` : '';
  return `${s.wave} ${s.samples} samples @ ${s.rate} Hz (${(s.samples / s.rate).toFixed(3)} s) amp=${s.amp.toPrecision(3)} dc=${s.dc.toPrecision(3)}${sp} seed=${s.seed}`;
}

/** Time bound for processing a signal: 2 s plus 300 ms per second of audio. It detects hangs and
 *  runaway costs, not speed: on this 2-core machine at load ~8 one resampler start alone (libsamplerate-js
 *  instantiates its module per call) took 20–300 ms, features 30–90 ms per second of audio. */
export function signalTimeLimitMs(s: SignalSpec): number {
  return 2000 + (300 * s.samples) / s.rate;
}
