// Feature extraction under random signals: any rate 8–48 kHz through toMono16k (downmix, checks,
// resampling) into FeatureExtractor. Documented outcome of bad samples: AudioError (NaN/±Inf →
// 'non-finite', |x| > 64 → 'out-of-range', < 60 ms → 'too-short', nothing → 'empty'); the design
// rejects rather than sanitises, so no sample is silently changed. Everything accepted must give the
// specified shapes (10 ms frames), finite values and the right duration.
import { toMono16k } from '../../../src/audio/load.ts';
import { MAX_ABS_SAMPLE, MIN_SAMPLES, TARGET_SAMPLE_RATE } from '../../../src/audio/types.ts';
import { FeatureExtractor, LLD_FRAME_SIZE, LOGMEL_FRAME_SIZE } from '../../../src/features/extractor.ts';
import { FRAME_60MS, frameCount } from '../../../src/features/framing.ts';
import { logMelFrameCount } from '../../../src/features/logmel.ts';
import type { Features } from '../../../src/features/types.ts';
import { describeSignal, signalArb, signalTimeLimitMs, synthesize, type SignalOptions, type SignalSpec } from '../signals.ts';
import { expectedCode, invariant, type FuzzTarget } from '../target.ts';

export const AUDIO_ERRORS = ['AudioError'] as const;

/** The shapes the features seam specifies for n samples at 16 kHz (DESIGN.md, src/features/types.ts). */
export function checkFeatureShapes(f: Features, n: number): void {
  const lm = logMelFrameCount(n);
  const ll = frameCount(n, FRAME_60MS) + 1;
  invariant(f.logmelFrames === lm, `logmelFrames ${f.logmelFrames}, expected ${lm} for ${n} samples`);
  invariant(f.lldFrames === ll, `lldFrames ${f.lldFrames}, expected ${ll} for ${n} samples`);
  invariant(f.logmel.length === lm * LOGMEL_FRAME_SIZE, `logmel has ${f.logmel.length} values for ${lm} frames`);
  invariant(f.lld.length === ll * LLD_FRAME_SIZE, `lld has ${f.lld.length} values for ${ll} frames`);
  // 10 ms frames: about 100 per second of input, whatever the length.
  invariant(Math.abs(f.logmelFrames - n / 160) <= 3 && Math.abs(f.lldFrames - n / 160) <= 6, `${f.logmelFrames}/${f.lldFrames} frames for ${n} samples is not 100 per second`);
  invariant(f.durationSec === n / TARGET_SAMPLE_RATE, `durationSec ${f.durationSec} for ${n} samples`);
  for (const [name, x] of [['logmel', f.logmel], ['lld', f.lld]] as const) {
    for (let i = 0; i < x.length; i++) invariant(Number.isFinite(x[i]!), `${name}[${i}] is ${x[i]}`);
  }
}

export function featuresTarget(opts: SignalOptions = {}): FuzzTarget<SignalSpec> {
  const extractor = new FeatureExtractor();
  return {
    name: 'features',
    what: 'random signals (0–30 s, 8–48 kHz, silence/DC/square/noise/denormals/NaN/Inf) → toMono16k → FeatureExtractor',
    arbitrary: signalArb(opts),
    describe: describeSignal,
    timeLimitMs: signalTimeLimitMs,
    async run(spec) {
      const x = synthesize(spec);
      const copy = x.slice();
      let audio: Float32Array;
      try {
        audio = await toMono16k(x, spec.rate);
      } catch (err) {
        const code = expectedCode(err, AUDIO_ERRORS);
        if (!code) throw err;
        checkRejection(code, x, spec.rate);
        return code;
      }
      // Input is never changed in place (bad input loses nothing, good input neither).
      invariant(x.every((v, i) => Object.is(v, copy[i]!)), 'toMono16k modified its input');
      // Resampling keeps the duration: within a few samples of n·16000/rate.
      const want = (spec.samples * TARGET_SAMPLE_RATE) / spec.rate;
      invariant(Math.abs(audio.length - want) <= 2, `resampled to ${audio.length} samples, expected ${want.toFixed(1)}`);
      const f = extractor.extract(audio);
      checkFeatureShapes(f, audio.length);
      return 'ok';
    },
  };
}

/** A rejection must be the right one: non-finite only with a non-finite sample, etc. */
function checkRejection(code: string, x: Float32Array, rate: number): void {
  let nonFinite = false;
  let tooBig = false;
  for (const v of x) {
    if (!Number.isFinite(v)) nonFinite = true;
    else if (Math.abs(v) > MAX_ABS_SAMPLE) tooBig = true;
  }
  const short = x.length < Math.ceil((MIN_SAMPLES * rate) / TARGET_SAMPLE_RATE);
  const ok =
    (code === 'AudioError:empty' && x.length === 0) ||
    (code === 'AudioError:too-short' && short) ||
    (code === 'AudioError:non-finite' && nonFinite) ||
    (code === 'AudioError:out-of-range' && tooBig);
  invariant(ok, `${code} for ${x.length} samples at ${rate} Hz (non-finite ${nonFinite}, out-of-range ${tooBig}, short ${short})`);
}
