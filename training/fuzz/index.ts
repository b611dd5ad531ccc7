// Every fuzz target of the project, built with its seeds: the recipe (training/scripts/fuzz.ts) runs
// them at 10,000 cases each, the vitest suite (tests/fuzz) at small counts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readAudioFile } from '../../src/audio/node.ts';
import type { SpeakerNormSpec } from '../../src/features/speaker-norm.ts';
import { audioFileTarget } from './targets/audio-files.ts';
import { folderTarget, iemocapLabelsTarget, metadataCsvTarget, zipTarget } from './targets/corpus.ts';
import { detectorTarget, gainInvarianceTarget, LINEAR_MEMBER } from './targets/detector.ts';
import { featuresTarget } from './targets/features.ts';
import { manifestTarget } from './targets/manifest.ts';
import { flacSeeds, labelTextSeeds, RAVDESS_CLIP, wavSeeds, zipSeeds } from './seeds.ts';
import type { FuzzTarget } from './target.ts';

export const TARGET_NAMES = ['features', 'gain-invariance', 'detector', 'wav', 'flac', 'zip', 'metadata-csv', 'iemocap-labels', 'folder', 'manifest'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface BuildOptions {
  /** Longest random signal in seconds (30 in the recipe; the tests keep it short). */
  maxSec?: number;
}

/** Builds one target (seeds are made on demand: sox runs only for 'flac'). */
export async function buildTarget(name: TargetName, opts: BuildOptions = {}): Promise<FuzzTarget<unknown>> {
  const maxSec = opts.maxSec ?? 30;
  const t = await (async (): Promise<FuzzTarget<never>> => {
    switch (name) {
      case 'features':
        return featuresTarget({ maxSec }) as FuzzTarget<never>;
      case 'gain-invariance': {
        const m = JSON.parse(readFileSync(path.join(LINEAR_MEMBER, 'manifest.json'), 'utf8')) as { speakerNormalisation: SpeakerNormSpec; features: { levelDb: number } };
        // The shipped member's statistics with the LLD activity mask every model fitted now gets
        // (pcm_RMSenergy). Its manifest predates that field, so it keeps the old mask on jitterLocal,
        // which is not gain-invariant on exactly periodic waves (LldActivitySource; findings).
        const spec: SpeakerNormSpec = { ...m.speakerNormalisation, lldActivity: 'rmsEnergy' };
        return gainInvarianceTarget(spec, m.features.levelDb, { maxSec: Math.min(4, maxSec) }) as FuzzTarget<never>;
      }
      case 'detector':
        return detectorTarget({ maxSec }) as FuzzTarget<never>;
      case 'wav':
        return audioFileTarget('wav', await wavSeeds()) as FuzzTarget<never>;
      case 'flac':
        return audioFileTarget('flac', flacSeeds()) as FuzzTarget<never>;
      case 'zip':
        return zipTarget(await zipSeeds()) as FuzzTarget<never>;
      case 'metadata-csv':
        return metadataCsvTarget(labelTextSeeds()) as FuzzTarget<never>;
      case 'iemocap-labels':
        return iemocapLabelsTarget() as FuzzTarget<never>;
      case 'folder':
        return folderTarget(labelTextSeeds()) as FuzzTarget<never>;
      case 'manifest': {
        const clip = (await readAudioFile(RAVDESS_CLIP)).slice(0, 24000);
        return manifestTarget(LINEAR_MEMBER, clip) as FuzzTarget<never>;
      }
    }
  })();
  return t as FuzzTarget<unknown>;
}
