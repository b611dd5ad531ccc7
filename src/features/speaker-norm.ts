// Speaker (or session) normalisation of the feature frames: every log-Mel and LLD column is z-scored
// with the statistics of the speaker's own speech before the model sees it. Voices, microphones and
// rooms shift and scale the features far more than emotions do; removing each speaker's own level is
// the classic cross-corpus remedy (Schuller et al. 2010, "Cross-corpus acoustic emotion recognition:
// variances and strategies"). The same code runs in training (stats per training speaker), in
// evaluation (per speaker when ids are known) and live (running stats over the session).
//
// Statistics come from active frames only (frames within `activityDb` of the clip's loud frames), so
// the share of silence in a clip — which differs between corpora and between live and file input —
// does not move them. They are blended with a prior (the pooled statistics of the training speakers)
// worth `priorFrames` frames: with little speech so far the normalisation is close to global, and it
// becomes the speaker's own as speech accumulates. Training applies the very same blend.
import type { NormalisationStats } from '../model/manifest.ts';
import { LLD_NAMES } from './lld/names.ts';
import { Normaliser, statsRangeProblem } from './normalise.ts';
import { LLD_DIMS, LOGMEL_BANDS, LOGMEL_CHANNELS, type Features } from './types.ts';

/** The manifest's record of how a model's features were speaker-normalised (manifest.speakerNormalisation). */
export interface SpeakerNormSpec {
  /** Pseudo-count (frames) of the prior in the blend. */
  priorFrames: number;
  /** A frame counts towards the statistics when its energy is within this many dB of the clip's
   *  95th-percentile frame energy. */
  activityDb: number;
  /** Pooled statistics of the training speakers' active frames: the fallback and the blend's prior. */
  prior: { logmel: NormalisationStats; lld: NormalisationStats };
  /** The LLD column whose level judges a frame of the LLD stream active (see LldActivitySource).
   *  Absent: 'jitterLocal', what every model fitted before this field existed was trained with. */
  lldActivity?: LldActivitySource;
}

/**
 * Which LLD column the LLD stream's activity mask reads. 'rmsEnergy' (pcm_RMSenergy_sma): frames within
 * `activityDb` of the clip's loud frames, as specified, and what fitSpeakerNormSpec writes now.
 * 'jitterLocal' (jitterLocal_sma): a bug kept for the models trained with it — the mask read column 2,
 * documented as pcm_RMSenergy_sma but jitterLocal_sma in openSMILE's order (RMS energy is column 8).
 * That mask is roughly "voiced frames" (jitter is 0 where no pitch is found), and it is not gain-invariant:
 * on an exactly periodic wave jitter is float rounding: after a gain of −0.5 dB (level-normalised samples
 * 4e-9 apart) a square wave's jitter went from (0.19, 0.095, 7e-6, then 37 zeros) to (0, 7e-6, 7e-6,
 * then zeros), and its mask from 3 frames to all 40 (fuzz target gain-invariance, seed 19).
 */
export type LldActivitySource = 'rmsEnergy' | 'jitterLocal';
export const LLD_ACTIVITY_SOURCES: readonly LldActivitySource[] = ['rmsEnergy', 'jitterLocal'];
/** What a spec without `lldActivity` (every manifest written before the fix) means. */
export const LEGACY_LLD_ACTIVITY: LldActivitySource = 'jitterLocal';

export const LOGMEL_COLS = LOGMEL_BANDS * LOGMEL_CHANNELS;
/** LLD columns (openSMILE order) an activity mask may read: pcm_RMSenergy_sma, and jitterLocal_sma for
 *  the models trained with the old mask (LldActivitySource). */
const ACTIVITY_COLUMN: Record<LldActivitySource, number> = {
  rmsEnergy: LLD_NAMES.indexOf('pcm_RMSenergy_sma'),
  jitterLocal: LLD_NAMES.indexOf('jitterLocal_sma'),
};
export const DEFAULT_PRIOR_FRAMES = 1000;
export const DEFAULT_ACTIVITY_DB = 30;

export class SpeakerNormError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpeakerNormError';
  }
}

const DB_PER_NEPER_POWER = 10 / Math.LN10;

function activeMask(energyDb: Float64Array, rangeDb: number): Uint8Array {
  const n = energyDb.length;
  const mask = new Uint8Array(n);
  if (n === 0) return mask;
  const sorted = Float64Array.from(energyDb).sort();
  const ref = sorted[Math.min(n - 1, Math.floor(0.95 * (n - 1)))]!;
  for (let t = 0; t < n; t++) mask[t] = energyDb[t]! >= ref - rangeDb ? 1 : 0;
  return mask;
}

/** Frames of the log-Mel stream that hold speech-level energy (mean log filterbank energy, in dB). */
export function logmelActivity(f: Features, rangeDb: number = DEFAULT_ACTIVITY_DB): Uint8Array {
  const e = new Float64Array(f.logmelFrames);
  for (let t = 0; t < f.logmelFrames; t++) {
    let s = 0;
    for (let b = 0; b < LOGMEL_BANDS; b++) s += f.logmel[(t * LOGMEL_BANDS + b) * LOGMEL_CHANNELS]!;
    e[t] = (DB_PER_NEPER_POWER * s) / LOGMEL_BANDS;
  }
  return activeMask(e, rangeDb);
}

/** Frames of the LLD stream that hold speech-level energy (pcm_RMSenergy in dB), or, for models trained
 *  before the fix, the old mask on jitterLocal (LldActivitySource). */
export function lldActivity(f: Features, rangeDb: number = DEFAULT_ACTIVITY_DB, source: LldActivitySource = 'rmsEnergy'): Uint8Array {
  const col = ACTIVITY_COLUMN[source];
  const e = new Float64Array(f.lldFrames);
  for (let t = 0; t < f.lldFrames; t++) e[t] = 20 * Math.log10(Math.max(f.lld[t * LLD_DIMS + col]!, 1e-10));
  return activeMask(e, rangeDb);
}

/** Running first and second moments of one stream's active frames, centred on the prior's mean
 *  (float64, so the variance does not cancel on columns with a large mean). */
class StreamMoments {
  frames = 0;
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  constructor(readonly centre: readonly number[]) {
    this.sum = new Float64Array(centre.length);
    this.sumSq = new Float64Array(centre.length);
  }

  add(data: Float32Array, rows: number, mask: Uint8Array): void {
    const d = this.centre.length;
    for (let t = 0; t < rows; t++) {
      if (!mask[t]) continue;
      const o = t * d;
      for (let c = 0; c < d; c++) {
        const v = data[o + c]!;
        if (!Number.isFinite(v)) throw new SpeakerNormError(`non-finite feature value at frame ${t}, column ${c}`);
        const z = v - this.centre[c]!;
        this.sum[c]! += z;
        this.sumSq[c]! += z * z;
      }
      this.frames++;
    }
  }

  merge(o: StreamMoments): void {
    this.frames += o.frames;
    for (let c = 0; c < this.sum.length; c++) {
      this.sum[c]! += o.sum[c]!;
      this.sumSq[c]! += o.sumSq[c]!;
    }
  }

  /** The blend of the prior (worth priorFrames frames) and these frames. */
  normaliser(prior: NormalisationStats, priorFrames: number): Normaliser {
    const n = priorFrames + this.frames;
    const mean = new Float64Array(prior.mean.length);
    const std = new Float64Array(prior.mean.length);
    for (let c = 0; c < mean.length; c++) {
      const s0 = prior.std[c]!;
      const m = n > 0 ? this.sum[c]! / n : 0;
      const ez2 = n > 0 ? (priorFrames * s0 * s0 + this.sumSq[c]!) / n : s0 * s0;
      const sd = Math.sqrt(Math.max(0, ez2 - m * m));
      mean[c] = prior.mean[c]! + m;
      // A column that is (nearly) constant for this speaker keeps the prior's scale instead of exploding.
      std[c] = sd > 1e-3 * s0 && Number.isFinite(sd) ? sd : s0;
    }
    return new Normaliser(mean, std);
  }
}

/** Sufficient statistics of some clips' active frames, centred on the prior's means: small, plain
 *  arrays, so workers can send them to a page that merges them per speaker. */
export interface SpeakerMoments {
  logmel: { frames: number; sum: number[]; sumSq: number[] };
  lld: { frames: number; sum: number[]; sumSq: number[] };
}

/** Accumulated statistics of one speaker or session; `normalise` applies the current blend. */
export class SpeakerStats {
  private readonly logmel: StreamMoments;
  private readonly lld: StreamMoments;
  private cache: { logmel: Normaliser; lld: Normaliser } | null = null;

  constructor(readonly spec: SpeakerNormSpec) {
    checkSpec(spec);
    this.logmel = new StreamMoments(spec.prior.logmel.mean);
    this.lld = new StreamMoments(spec.prior.lld.mean);
  }

  /** Active frames seen so far (log-Mel stream). */
  get frames(): number {
    return this.logmel.frames;
  }

  /** Add one clip's (or utterance's) active frames. `fromFrame`: skip the frames before it (a live
   *  window overlapping audio already added), while activity is still judged over the whole clip. */
  add(f: Features, fromFrame = 0): this {
    checkFeatures(f);
    const lm = logmelActivity(f, this.spec.activityDb);
    const ll = lldActivity(f, this.spec.activityDb, this.spec.lldActivity ?? LEGACY_LLD_ACTIVITY);
    if (fromFrame > 0) {
      lm.fill(0, 0, fromFrame);
      ll.fill(0, 0, fromFrame);
    }
    this.logmel.add(f.logmel, f.logmelFrames, lm);
    this.lld.add(f.lld, f.lldFrames, ll);
    this.cache = null;
    return this;
  }

  merge(o: SpeakerStats): this {
    this.logmel.merge(o.logmel);
    this.lld.merge(o.lld);
    this.cache = null;
    return this;
  }

  toMoments(): SpeakerMoments {
    const m = (s: StreamMoments) => ({ frames: s.frames, sum: Array.from(s.sum), sumSq: Array.from(s.sumSq) });
    return { logmel: m(this.logmel), lld: m(this.lld) };
  }

  /** Add moments computed elsewhere (another worker) under the same spec. */
  addMoments(m: SpeakerMoments): this {
    for (const [k, dims] of [['logmel', LOGMEL_COLS], ['lld', LLD_DIMS]] as const) {
      const src = m[k];
      if (!src || !(src.frames >= 0) || src.sum?.length !== dims || src.sumSq?.length !== dims) throw new SpeakerNormError(`moments.${k} must hold ${dims} sums and sums of squares`);
      const dst = this[k];
      dst.frames += src.frames;
      for (let c = 0; c < dims; c++) {
        dst.sum[c]! += src.sum[c]!;
        dst.sumSq[c]! += src.sumSq[c]!;
      }
    }
    this.cache = null;
    return this;
  }

  /** Forget the frames seen (back to the prior alone). */
  reset(): this {
    for (const s of [this.logmel, this.lld]) {
      s.frames = 0;
      s.sum.fill(0);
      s.sumSq.fill(0);
    }
    this.cache = null;
    return this;
  }

  /** The statistics now in use (prior blended with the frames seen), as mean/std per stream. */
  current(): { logmel: Normaliser; lld: Normaliser } {
    this.cache ??= {
      logmel: this.logmel.normaliser(this.spec.prior.logmel, this.spec.priorFrames),
      lld: this.lld.normaliser(this.spec.prior.lld, this.spec.priorFrames),
    };
    return this.cache;
  }

  /** New Features with every log-Mel and LLD column z-scored by the current statistics. `streams`
   *  limits the work to what a model reads; a stream left out comes back empty (0 frames), so nothing
   *  can mistake raw values for normalised ones. */
  normalise(f: Features, streams: { logmel?: boolean; lld?: boolean; inPlace?: boolean } = {}): Features {
    checkFeatures(f);
    const n = this.current();
    const out = { ...f };
    // inPlace: overwrite f's arrays (a caller done with the raw values saves a feature-sized allocation)
    if (streams.logmel ?? true) out.logmel = n.logmel.apply(f.logmel, streams.inPlace ? f.logmel : undefined);
    else [out.logmel, out.logmelFrames] = [new Float32Array(0), 0];
    if (streams.lld ?? true) out.lld = n.lld.apply(f.lld, streams.inPlace ? f.lld : undefined);
    else [out.lld, out.lldFrames] = [new Float32Array(0), 0];
    return out;
  }
}

/** Global fallback: the prior alone (no speaker or session statistics known). */
export function normaliseGlobal(spec: SpeakerNormSpec, f: Features): Features {
  return new SpeakerStats(spec).normalise(f);
}

function checkFeatures(f: Features): void {
  if (f.logmel.length !== f.logmelFrames * LOGMEL_COLS) throw new SpeakerNormError(`log-Mel has ${f.logmel.length} values, expected ${f.logmelFrames} × ${LOGMEL_COLS}`);
  if (f.lld.length !== f.lldFrames * LLD_DIMS) throw new SpeakerNormError(`LLD has ${f.lld.length} values, expected ${f.lldFrames} × ${LLD_DIMS}`);
}

/** Validates a manifest's speakerNormalisation (throws SpeakerNormError naming the problem). */
export function checkSpec(spec: unknown): asserts spec is SpeakerNormSpec {
  const s = spec as Partial<SpeakerNormSpec> | null;
  const bad = (why: string): never => {
    throw new SpeakerNormError(`speakerNormalisation: ${why}`);
  };
  if (!s || typeof s !== 'object') bad('must be an object');
  if (!(typeof s!.priorFrames === 'number' && Number.isFinite(s!.priorFrames) && s!.priorFrames >= 0)) bad('priorFrames must be a number ≥ 0');
  if (!(typeof s!.activityDb === 'number' && s!.activityDb > 0 && s!.activityDb <= 120)) bad('activityDb must be a number of dB in (0, 120]');
  if (s!.lldActivity !== undefined && !LLD_ACTIVITY_SOURCES.includes(s!.lldActivity)) bad(`lldActivity must be one of ${LLD_ACTIVITY_SOURCES.join(', ')}`);
  const p = s!.prior;
  if (!p || typeof p !== 'object') bad('prior must hold logmel and lld statistics');
  for (const [name, dims] of [['logmel', LOGMEL_COLS], ['lld', LLD_DIMS]] as const) {
    const st = p![name];
    const ok = st && Array.isArray(st.mean) && Array.isArray(st.std) && st.mean.length === dims && st.std.length === dims &&
      st.mean.every((v) => typeof v === 'number' && Number.isFinite(v)) && st.std.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0);
    if (!ok) bad(`prior.${name} must hold ${dims} finite means and positive stds`);
    const range = statsRangeProblem(st.mean, st.std);
    if (range) bad(`prior.${name}: ${range}`);
  }
}

/** Fits the prior on training clips: pooled statistics of their active frames. Clips are taken in
 *  the given order; callers sort them (by id) so every member of a recipe gets the same prior. */
export function fitSpeakerNormSpec(train: Iterable<Features>, opts: { priorFrames?: number; activityDb?: number } = {}): SpeakerNormSpec {
  const activityDb = opts.activityDb ?? DEFAULT_ACTIVITY_DB;
  const clips = [...train];
  if (clips.length === 0) throw new SpeakerNormError('cannot fit speaker normalisation on zero clips');
  clips.forEach(checkFeatures);
  // Centre the sums on the first clip's column means so float64 sums of squares do not cancel.
  const centreOf = (data: Float32Array, rows: number, d: number): number[] => {
    const c = new Array<number>(d).fill(0);
    for (let t = 0; t < rows; t++) for (let j = 0; j < d; j++) c[j]! += data[t * d + j]! / Math.max(1, rows);
    return c;
  };
  const lm = new StreamMoments(centreOf(clips[0]!.logmel, clips[0]!.logmelFrames, LOGMEL_COLS));
  const ll = new StreamMoments(centreOf(clips[0]!.lld, clips[0]!.lldFrames, LLD_DIMS));
  for (const f of clips) {
    lm.add(f.logmel, f.logmelFrames, logmelActivity(f, activityDb));
    ll.add(f.lld, f.lldFrames, lldActivity(f, activityDb, 'rmsEnergy'));
  }
  const stats = (m: StreamMoments): NormalisationStats => {
    if (m.frames === 0) throw new SpeakerNormError('no active frames in the training clips');
    const mean: number[] = [];
    const std: number[] = [];
    for (let c = 0; c < m.centre.length; c++) {
      const mu = m.sum[c]! / m.frames;
      const sd = Math.sqrt(Math.max(0, m.sumSq[c]! / m.frames - mu * mu));
      mean.push(m.centre[c]! + mu);
      std.push(sd > 1e-6 ? sd : 1);
    }
    return { mean, std };
  };
  return { priorFrames: opts.priorFrames ?? DEFAULT_PRIOR_FRAMES, activityDb, prior: { logmel: stats(lm), lld: stats(ll) }, lldActivity: 'rmsEnergy' };
}
