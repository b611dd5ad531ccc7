// FeatureExtractor: 16 kHz mono audio → the `Features` seam (log-Mel+Δ for the CR branch, 65 LLDs+Δ+Δ²
// for the LLD branch). Pure: no globals, no DOM; the same class runs in Node (training, CLI) and in the
// feature worker.
import { AudioError } from '../audio/errors.ts';
import { checkSamples } from '../audio/load.ts';
import { MIN_SAMPLES, TARGET_SAMPLE_RATE } from '../audio/types.ts';
import { extractLld } from './lld/index.ts';
import { LogMel } from './logmel.ts';
import { LLD_DIMS, LOGMEL_BANDS, LOGMEL_CHANNELS, type Features } from './types.ts';

export interface FeatureExtractorConfig {
  /** Compute log-Mel+Δ (default true). When false, `logmel` is empty and `logmelFrames` 0. */
  logmel?: boolean;
  /** Compute the LLDs (default true). When false, `lld` is empty and `lldFrames` 0. */
  lld?: boolean;
}

export class FeatureExtractor {
  readonly config: Required<FeatureExtractorConfig>;
  private readonly logMel = new LogMel();

  constructor(config: FeatureExtractorConfig = {}) {
    this.config = { logmel: config.logmel ?? true, lld: config.lld ?? true };
  }

  /** Throws AudioError for input that would give meaningless or non-finite features. */
  static validate(audio16k: Float32Array): void {
    if (!(audio16k instanceof Float32Array)) {
      throw new AudioError('unsupported-format', 'FeatureExtractor.extract expects a Float32Array of 16 kHz mono samples');
    }
    if (audio16k.length === 0) throw new AudioError('empty', 'audio holds no samples');
    if (audio16k.length < MIN_SAMPLES) {
      throw new AudioError(
        'too-short',
        `audio has ${audio16k.length} samples (${((audio16k.length / TARGET_SAMPLE_RATE) * 1000).toFixed(1)} ms); at least ${MIN_SAMPLES} (one 60 ms frame) are needed`,
      );
    }
    checkSamples(audio16k);
  }

  extract(audio16k: Float32Array): Features {
    FeatureExtractor.validate(audio16k);
    let logmel: Float32Array = new Float32Array(0);
    let logmelFrames = 0;
    if (this.config.logmel) {
      const r = this.logMel.compute(audio16k);
      logmel = r.data;
      logmelFrames = r.frames;
    }
    let lld: Float32Array = new Float32Array(0);
    let lldFrames = 0;
    if (this.config.lld) {
      const r = extractLld(audio16k);
      lld = r.data;
      lldFrames = r.rows;
    }
    // Validated input should never give NaN/Inf; if it does, that is a bug to surface, not data to train on.
    assertFinite(logmel, LOGMEL_FRAME_SIZE, 'log-Mel');
    assertFinite(lld, LLD_FRAME_SIZE, 'LLD');
    return { logmel, logmelFrames, lld, lldFrames, durationSec: audio16k.length / TARGET_SAMPLE_RATE };
  }
}

/** Shapes for consumers that want them spelled out. */
export const LOGMEL_FRAME_SIZE = LOGMEL_BANDS * LOGMEL_CHANNELS;
export const LLD_FRAME_SIZE = LLD_DIMS;

function assertFinite(x: Float32Array, cols: number, what: string): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v - v !== 0) throw new Error(`internal error: ${what} feature at frame ${Math.floor(i / cols)}, column ${i % cols} is ${v}`);
  }
}
