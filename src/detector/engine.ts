// Features (+ wav2vec2) + model for one utterance → Detection. Platform-neutral: the worker runs it in
// the browser, tests run it in Node on a model folder.
import { FeatureExtractor } from '../features/extractor.ts';
import { SpeakerStats, type SpeakerMoments } from '../features/speaker-norm.ts';
import { loadPredictor } from '../model/load.ts';
import { EMOTIONS, type Emotion } from '../model/emotions.ts';
import { parseManifest } from '../model/manifest.ts';
import type { EmotionPredictor, SslFeatures } from '../model/predictor.ts';
import { DetectorError } from './errors.ts';
import type { Detection, EmotionDecision, ModelRunner, Wav2Vec2Options } from './types.ts';
import { measureLevel } from '../audio/level.ts';
import { audioForModel } from '../audio/normalise-level.ts';
import { scratchF32 } from '../features/scratch.ts';

interface Encoder {
  readonly info: { name: string; hiddenSize: number; sha256: string; device: string; dtype: string };
  encode(audio16k: Float32Array): Promise<SslFeatures>;
  dispose(): Promise<void>;
}

export interface EngineOptions {
  model: string;
  wav2vec2?: Wav2Vec2Options | false;
  /** How MSIR networks run ('auto': the graph on CPU backends, the layers model on GPU backends). */
  runner?: ModelRunner;
}

/** Shortest audio worth analysing: a few 25 ms frames. */
export const MIN_SAMPLES_16K = 1600;

const isUrl = (s: string): boolean => /^https?:\/\//.test(s);
const now = (): number => performance.now();

/** Fetches manifest.json first so a missing or broken model fails with a message naming the URL. */
async function checkModelUrl(base: string): Promise<void> {
  const url = new URL('manifest.json', base.endsWith('/') ? base : `${base}/`).href;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new DetectorError('model-not-found', `Could not fetch the model manifest ${url}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new DetectorError('model-not-found', `No model at ${url} (HTTP ${res.status}).`);
  // Dev servers answer unknown paths with the app's index.html (SPA fallback): that is a missing model.
  if ((res.headers.get('content-type') ?? '').includes('text/html')) {
    throw new DetectorError('model-not-found', `No model at ${url} (the server answered with an HTML page).`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DetectorError('invalid-manifest', `The model manifest ${url} is not valid JSON.`);
  }
  try {
    parseManifest(json);
  } catch (err) {
    throw new DetectorError('invalid-manifest', `The model manifest ${url} is invalid: ${(err as Error).message}`);
  }
}

export function validateAudio(audio: unknown, sampleRate: unknown): asserts audio is Float32Array {
  if (!(audio instanceof Float32Array)) throw new DetectorError('bad-input', 'audio must be a Float32Array of samples.');
  if (typeof sampleRate !== 'number' || !Number.isFinite(sampleRate) || sampleRate < 4000 || sampleRate > 384000) {
    throw new DetectorError('bad-input', `sampleRate must be a number between 4000 and 384000 Hz, got ${String(sampleRate)}.`);
  }
  if (audio.length === 0) throw new DetectorError('bad-input', 'audio is empty.');
  for (let i = 0; i < audio.length; i++) {
    if (!Number.isFinite(audio[i]!)) throw new DetectorError('bad-input', `audio has a non-finite sample at index ${i}.`);
  }
  if (audio.length < (MIN_SAMPLES_16K * sampleRate) / 16000) {
    throw new DetectorError('bad-input', `audio is too short: ${((audio.length / sampleRate) * 1000).toFixed(0)} ms, need at least 100 ms.`);
  }
}

/**
 * Which statistics normalise the features of a model with speaker normalisation:
 * - 'session' (default): running statistics over everything this engine analysed since the last
 *   resetSession(), this utterance included — the live microphone and the widget;
 * - moments: the statistics of a known speaker's clips (SpeakerMoments, e.g. merged by the evaluation
 *   page from `observe` over that speaker's clips) — the same as `msir eval` per speaker;
 * - 'global': the training prior alone, for a clip of an unknown speaker.
 */
export type NormalisationChoice = 'session' | 'global' | SpeakerMoments;

/** Options of DetectionEngine.run in 'session' mode. */
export interface SessionRunOptions {
  /** Only frames starting at or after this many seconds into the audio join the session's statistics
   *  (a continuous-mode window overlaps audio already counted); Infinity adds none (a window without
   *  speech). The whole audio is still normalised. Default 0: all of it. */
  addFromSec?: number;
}

/** The session's statistics at one moment (fixed size), to undo a tentative run: a speculative live
 *  detection whose utterance then grew must not count its frames twice. */
export interface SessionSnapshot {
  readonly epoch: number;
  readonly moments: SpeakerMoments;
}

export class DetectionEngine {
  /** Running statistics of the session (models with speaker normalisation only). */
  private readonly session: SpeakerStats | null;
  /** Bumped by resetSession(): a snapshot taken before a reset must not bring old statistics back. */
  private epoch = 0;

  private constructor(
    readonly predictor: EmotionPredictor,
    private readonly extractor: FeatureExtractor,
    private readonly encoder: Encoder | null,
  ) {
    const spec = predictor.manifest.speakerNormalisation;
    this.session = spec ? new SpeakerStats(spec) : null;
  }

  static async create(opts: EngineOptions): Promise<DetectionEngine> {
    if (isUrl(opts.model)) await checkModelUrl(opts.model);
    let predictor: EmotionPredictor;
    try {
      predictor = await loadPredictor(opts.model, opts.runner && opts.runner !== 'auto' ? { runner: opts.runner } : {});
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const code =
        err instanceof Error && err.name === 'ManifestError'
          ? 'invalid-manifest'
          : /ENOENT|HTTP 404|\b404\b|not found/i.test(msg)
            ? 'model-not-found'
            : /manifest/i.test(msg)
              ? 'invalid-manifest'
              : 'model-load-failed';
      throw new DetectorError(code, `Could not load the model at ${opts.model}: ${msg}`);
    }
    const needsW2v = predictor.manifest.branches.includes('w2v');
    let encoder: Encoder | null = null;
    if (needsW2v) {
      if (!opts.wav2vec2) {
        predictor.dispose();
        throw new DetectorError('wav2vec2-unavailable', `The model at ${opts.model} has a wav2vec2 branch but no wav2vec2 encoder folder was given.`);
      }
      try {
        const { Wav2Vec2Encoder } = await import('../ssl/encoder.ts');
        const { checkEncoderMatches } = await import('../ssl/identity.ts');
        encoder = await Wav2Vec2Encoder.load(opts.wav2vec2);
        // Features of another encoder would be meaningless to this model: refuse them by sha256.
        checkEncoderMatches(predictor.manifest.encoder, encoder.info);
      } catch (err) {
        predictor.dispose();
        await encoder?.dispose();
        throw new DetectorError('wav2vec2-unavailable', `Could not load the wav2vec2 encoder at ${opts.wav2vec2.model}: ${(err as Error).message}`);
      }
    }
    return new DetectionEngine(predictor, new FeatureExtractor(), encoder);
  }

  get wav2vec2Info(): Encoder['info'] | null {
    return this.encoder?.info ?? null;
  }

  /** Forget the session's speaker statistics (a new speaker, a new room). */
  resetSession(): void {
    this.session?.reset();
    this.epoch++;
  }

  /** The session's statistics now; null for a model without speaker normalisation. */
  sessionSnapshot(): SessionSnapshot | null {
    return this.session ? { epoch: this.epoch, moments: this.session.toMoments() } : null;
  }

  /** Back to a snapshot's statistics, unless the session was reset since (the reset already dropped
   *  whatever the snapshot would undo). */
  restoreSession(snapshot: SessionSnapshot | null): void {
    if (!snapshot || !this.session || snapshot.epoch !== this.epoch) return;
    this.session.reset().addMoments(snapshot.moments);
  }

  /** Seconds of active speech in the session's statistics (0 for a model without speaker normalisation). */
  get sessionSpeechSec(): number {
    return (this.session?.frames ?? 0) * this.predictor.manifest.features.frameStepSec;
  }

  /** A clip's contribution to its speaker's statistics (first pass of a per-speaker evaluation);
   *  null for a model without speaker normalisation. */
  observe(audio16k: Float32Array): SpeakerMoments | null {
    validateAudio(audio16k, 16000);
    const spec = this.predictor.manifest.speakerNormalisation;
    if (!spec) return null;
    return new SpeakerStats(spec).add(this.extractor.extract(this.levelled(audio16k))).toMoments();
  }

  /** The audio features are computed from, levelled into a reused buffer: only extract() reads it,
   *  synchronously, so one buffer serves every call. */
  private levelled(audio16k: Float32Array): Float32Array {
    return audioForModel(audio16k, this.predictor.manifest.features.levelDb, scratchF32('engine.levelled', audio16k.length));
  }

  /** audio16k: 16 kHz mono. start/end label the detection (seconds). */
  async run(audio16k: Float32Array, start: number, end: number, normalisation: NormalisationChoice = 'session', opts: SessionRunOptions = {}): Promise<Detection> {
    validateAudio(audio16k, 16000);
    const t0 = now();
    const { frameStepSec } = this.predictor.manifest.features;
    const raw = this.extractor.extract(this.levelled(audio16k));
    const spec = this.predictor.manifest.speakerNormalisation;
    const signal = measureLevel(audio16k);
    let features = raw;
    let applied: Detection['normalisation'];
    if (spec) {
      let stats: SpeakerStats;
      if (normalisation === 'session') {
        // Silence has no voice to adapt to (its frames would all count as "active" relative to themselves).
        const from = signal.silent ? Infinity : Math.max(0, Math.ceil((opts.addFromSec ?? 0) / frameStepSec - 1e-6));
        stats = Number.isFinite(from) ? this.session!.add(raw, from) : this.session!;
      } else if (normalisation === 'global') stats = new SpeakerStats(spec);
      else stats = new SpeakerStats(spec).addMoments(normalisation);
      // In place: the raw features are in the session's statistics already and are not used again.
      features = stats.normalise(raw, { ...this.predictor.streams, inPlace: true });
      applied = { mode: typeof normalisation === 'string' ? normalisation : 'speaker', speechSec: stats.frames * frameStepSec };
    }
    const t1 = now();
    const w2v = this.encoder ? await this.encoder.encode(audio16k) : undefined;
    const t2 = now();
    const prediction = await this.predictor.predict(w2v ? { features, w2v } : { features });
    const t3 = now();
    const { emotions: order, thresholds } = this.predictor.manifest;
    const emotions = {} as Record<Emotion, EmotionDecision>;
    for (const e of EMOTIONS) {
      const i = order.indexOf(e);
      const probability = i >= 0 ? prediction.probabilities[i]! : Number.NaN;
      // Valid audio must never come out as NaN: that is a corrupt model, and saying so beats a silent
      // "not detected" (NaN ≥ threshold is false).
      if (i >= 0 && !(probability >= 0 && probability <= 1)) {
        throw new DetectorError('model-load-failed', `The model produced ${probability} as the probability of ${e}: its manifest or weights are corrupt.`);
      }
      emotions[e] = { probability, positive: i >= 0 && probability >= thresholds[i]! };
    }
    return {
      emotions,
      attention: prediction.attention,
      timings: { featuresMs: t1 - t0, sslMs: t2 - t1, modelMs: t3 - t2 },
      signal,
      ...(applied ? { normalisation: applied } : {}),
      start,
      end,
    };
  }

  async dispose(): Promise<void> {
    this.predictor.dispose();
    await this.encoder?.dispose();
  }
}
