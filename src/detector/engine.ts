// Features (+ wav2vec2) + model for one utterance → Detection. Platform-neutral: the worker runs it in
// the browser, tests run it in Node on a model folder.
import { FeatureExtractor } from '../features/extractor.ts';
import { loadPredictor } from '../model/load.ts';
import { EMOTIONS, type Emotion } from '../model/emotions.ts';
import { parseManifest } from '../model/manifest.ts';
import type { EmotionPredictor, SslFeatures } from '../model/predictor.ts';
import { DetectorError } from './errors.ts';
import type { Detection, EmotionDecision, Wav2Vec2Options } from './types.ts';
import { measureLevel } from '../audio/level.ts';
import { audioForModel } from '../audio/normalise-level.ts';

interface Encoder {
  readonly info: { name: string; hiddenSize: number; sha256: string; device: string; dtype: string };
  encode(audio16k: Float32Array): Promise<SslFeatures>;
  dispose(): Promise<void>;
}

export interface EngineOptions {
  model: string;
  wav2vec2?: Wav2Vec2Options | false;
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

export class DetectionEngine {
  private constructor(
    readonly predictor: EmotionPredictor,
    private readonly extractor: FeatureExtractor,
    private readonly encoder: Encoder | null,
  ) {}

  static async create(opts: EngineOptions): Promise<DetectionEngine> {
    if (isUrl(opts.model)) await checkModelUrl(opts.model);
    let predictor: EmotionPredictor;
    try {
      predictor = await loadPredictor(opts.model);
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

  /** audio16k: 16 kHz mono. start/end label the detection (seconds). */
  async run(audio16k: Float32Array, start: number, end: number): Promise<Detection> {
    validateAudio(audio16k, 16000);
    const t0 = now();
    const features = this.extractor.extract(audioForModel(audio16k, this.predictor.manifest.features.levelDb));
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
      emotions[e] = { probability, positive: i >= 0 && probability >= thresholds[i]! };
    }
    return {
      emotions,
      attention: prediction.attention,
      timings: { featuresMs: t1 - t0, sslMs: t2 - t1, modelMs: t3 - t2 },
      signal: measureLevel(audio16k),
      start,
      end,
    };
  }

  async dispose(): Promise<void> {
    this.predictor.dispose();
    await this.encoder?.dispose();
  }
}
