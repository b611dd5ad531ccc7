// The detector engine (what the worker runs) and the level + speaker normalisation under random input.
// Model: the shipped default's linear member (public/models/msir-default/members/functionals-linear):
// level-normalised, speaker-normalised, and cheap enough for 10,000 cases; the neural members share
// every stage before the model.
import path from 'node:path';
import fc from 'fast-check';
import { activeLevelDb, normaliseLevel } from '../../../src/audio/normalise-level.ts';
import { DetectionEngine, type NormalisationChoice } from '../../../src/detector/engine.ts';
import { FeatureExtractor } from '../../../src/features/extractor.ts';
import { SpeakerStats, type SpeakerNormSpec } from '../../../src/features/speaker-norm.ts';
import { LLD_ALL_NAMES } from '../../../src/features/lld/index.ts';
import { LLD_DIMS } from '../../../src/features/types.ts';
import { EMOTIONS } from '../../../src/model/emotions.ts';
import { describeSignal, signalArb, signalTimeLimitMs, synthesize, type SignalOptions, type SignalSpec } from '../signals.ts';
import { expectedCode, invariant, type FuzzTarget } from '../target.ts';

export const LINEAR_MEMBER = path.resolve(import.meta.dirname, '../../../public/models/msir-default/members/functionals-linear');

interface DetectorCase {
  signal: SignalSpec;
  mode: 'session' | 'global';
  /** Start a new session before this case (a new speaker). */
  reset: boolean;
}

export function detectorTarget(opts: SignalOptions = {}): FuzzTarget<DetectorCase> {
  let engine: DetectionEngine | null = null;
  return {
    name: 'detector',
    what: 'random 16 kHz signals (0–30 s, silence/DC/square/noise/denormals/NaN/Inf) → DetectionEngine.run (shipped linear member, session or global normalisation)',
    arbitrary: fc.record({
      signal: signalArb({ ...opts, rate: 16000 }),
      mode: fc.constantFrom<'session' | 'global'>('session', 'global'),
      reset: fc.boolean(),
    }),
    describe: (c) => `${c.mode}${c.reset ? ' after reset' : ''}: ${describeSignal(c.signal)}`,
    timeLimitMs: (c) => signalTimeLimitMs(c.signal),
    async run(c) {
      engine ??= await DetectionEngine.create({ model: LINEAR_MEMBER });
      if (c.reset) engine.resetSession();
      const x = synthesize(c.signal);
      const copy = x.slice();
      const mode: NormalisationChoice = c.mode;
      try {
        const d = await engine.run(x, 0, x.length / 16000, mode);
        for (const e of EMOTIONS) {
          const { probability, positive } = d.emotions[e];
          invariant(Number.isFinite(probability) && probability >= 0 && probability <= 1, `${e} probability ${probability}`);
          invariant(typeof positive === 'boolean', `${e} positive is ${String(positive)}`);
        }
        const { peakDbfs, loudestDbfs, clippedFraction } = d.signal;
        invariant(!Number.isNaN(peakDbfs) && !Number.isNaN(loudestDbfs), `signal level NaN (peak ${peakDbfs}, loudest ${loudestDbfs})`);
        invariant(clippedFraction >= 0 && clippedFraction <= 1, `clipped fraction ${clippedFraction}`);
        invariant(Number.isFinite(d.normalisation?.speechSec ?? 0), 'session speech seconds not finite');
      } catch (err) {
        const code = expectedCode(err, ['DetectorError', 'AudioError']);
        if (!code) throw err;
        return code;
      } finally {
        invariant(x.every((v, i) => Object.is(v, copy[i]!)), 'DetectionEngine.run modified its input');
      }
      return 'ok';
    },
    async dispose() {
      await engine?.dispose();
      engine = null;
    },
  };
}

interface GainCase {
  signal: SignalSpec;
  gainDb: number;
}

/**
 * Gain invariance of what the model sees: level normalisation (to the manifest's −26 dBFS) and then
 * speaker normalisation must make x and g·x indistinguishable. Only float rounding separates the two
 * level-normalised signals (relative 1e-7), so the z-scored features must agree to TOLERANCE except
 * where a feature takes a discrete decision (voicing, pitch candidates) right at its threshold: at most
 * FLIP_SHARE of the values may differ more. Gains keep both signals inside the ±40 dB the level
 * normaliser applies and above the silence floor, where invariance is specified.
 */
export const TOLERANCE = 0.02; // z units: 2% of a speaker's standard deviation
export const FLIP_SHARE = 0.01;
/** The voice-quality perturbation LLDs (logHNR, jitter, shimmer, with their Δ, Δ²) are checked for
 *  finiteness only: on an exactly periodic synthetic wave the noise power and the period and amplitude
 *  perturbations they measure are float rounding, so their values are rounding noise (seen: logHNR 5 z,
 *  jitter 9 z apart between x and g·x on square waves whose normalised samples agreed to 1e-7). */
const ILL_CONDITIONED = new Set(LLD_ALL_NAMES.flatMap((n, i) => (/^(logHNR|jitter|shimmer)/.test(n) ? [i] : [])));

export function gainInvarianceTarget(spec: SpeakerNormSpec, levelDb: number, opts: { maxSec?: number } = {}): FuzzTarget<GainCase> {
  const extractor = new FeatureExtractor();
  return {
    name: 'gain-invariance',
    what: `normalised features of x and g·x (g −30…+20 dB; level to ${levelDb} dBFS, then speaker statistics): equal within ${TOLERANCE} z for ≥ ${100 - FLIP_SHARE * 100}% of values`,
    arbitrary: fc.record({
      signal: signalArb({ maxSec: opts.maxSec ?? 4, rate: 16000, finiteOnly: true, waves: ['square', 'noise', 'sine', 'chirp', 'voiced', 'impulses', 'clipped'] })
        .filter((s) => s.samples >= 1600)
        .map((s) => ({ ...s, amp: Math.min(Math.max(s.amp, 0.01), 1), dc: s.dc * 0.1 })),
      gainDb: fc.integer({ min: -300, max: 200 }).map((k) => k / 10),
    }),
    describe: (c) => `gain ${c.gainDb} dB on ${describeSignal(c.signal)}`,
    timeLimitMs: (c) => 2 * signalTimeLimitMs(c.signal),
    async run(c) {
      const x = synthesize(c.signal);
      const g = 10 ** (c.gainDb / 20);
      const y = x.map((v) => v * g);
      const a = normaliseLevel(x, levelDb);
      const b = normaliseLevel(y, levelDb);
      // Outside the specified range (clamped gain, or below the silence floor where nothing is scaled),
      // invariance is not promised.
      if (activeLevelDb(x) === null || activeLevelDb(y) === null || Math.abs(a.gainDb) >= 39.9 || Math.abs(b.gainDb) >= 39.9) return 'outside-range';
      const fa = extractor.extract(a.audio);
      const fb = extractor.extract(b.audio);
      const na = new SpeakerStats(spec).add(fa).normalise(fa);
      const nb = new SpeakerStats(spec).add(fb).normalise(fb);
      for (const k of ['logmel', 'lld'] as const) {
        const p = na[k];
        const q = nb[k];
        invariant(p.length === q.length, `${k}: ${p.length} vs ${q.length} values`);
        let off = 0;
        let worst = 0;
        for (let i = 0; i < p.length; i++) {
          invariant(Number.isFinite(p[i]!) && Number.isFinite(q[i]!), `${k}[${i}] not finite`);
          if (k === 'lld' && ILL_CONDITIONED.has(i % LLD_DIMS)) continue;
          const d = Math.abs(p[i]! - q[i]!);
          if (d > TOLERANCE) off++;
          if (d > worst) worst = d;
        }
        invariant(off <= FLIP_SHARE * p.length, `${k}: ${off} of ${p.length} values differ by more than ${TOLERANCE} z (worst ${worst.toFixed(3)})`);
      }
      return 'ok';
    },
  };
}
