// Messages between the cache and its workers, and the Features ⇄ cache entry mapping.
import type { Features } from '../../src/features/types.ts';
import type { SslFeatures } from '../../src/model/predictor.ts';
import type { CacheEntry } from './cache-format.ts';
import type { AugmentPlan } from '../augment/index.ts';

export interface WorkerTask {
  id: number;
  path: string;
  /** Write features here (absent: cached already). */
  featuresOut?: string;
  /** Scale to this active speech level (dBFS) before extracting features (not before wav2vec2). */
  levelDb?: number;
  /** Gain (dB) applied to the decoded audio first (robustness evaluation). */
  gainDb?: number;
  /** Speed perturbation factor applied after the gain (training augmentation; absent = 1). */
  speed?: number;
  /** Augmentation chain applied after the speed (training copies; absent = none). */
  augment?: AugmentPlan;
  w2v?: { model: string; out: string };
}

export interface WorkerReply {
  id: number;
  ok: boolean;
  error?: string;
  features?: CacheEntry;
  w2v?: CacheEntry;
}

export function featureEntry(f: Features): CacheEntry {
  return {
    meta: { logmelFrames: f.logmelFrames, lldFrames: f.lldFrames, durationSec: f.durationSec },
    arrays: { logmel: f.logmel, lld: f.lld },
  };
}

export function entryFeatures(e: CacheEntry): Features {
  return {
    logmel: e.arrays.logmel,
    logmelFrames: e.meta.logmelFrames,
    lld: e.arrays.lld,
    lldFrames: e.meta.lldFrames,
    durationSec: e.meta.durationSec,
  };
}

export function sslEntry(s: SslFeatures): CacheEntry {
  return { meta: { frames: s.frames, hidden: s.hidden }, arrays: { data: s.data } };
}

export function entrySsl(e: CacheEntry): SslFeatures {
  return { data: e.arrays.data, frames: e.meta.frames, hidden: e.meta.hidden };
}
