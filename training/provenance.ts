// Where a trained model came from: corpus licences and the code's commit, written into manifests.
import { execFileSync } from 'node:child_process';

export const LICENCES: Record<string, string> = {
  ravdess: 'CC BY-NC-SA 4.0 (non-commercial, share-alike): Livingstone & Russo (2018), PLoS ONE 13(5): e0196391',
  emodb: 'free for research, TU Berlin: Burkhardt et al. (2005), Interspeech',
  iemocap: 'IEMOCAP release licence (research only, USC SAIL): Busso et al. (2008)',
};

export function corpusLicence(name: string): string {
  return LICENCES[name] ?? "unknown: see the corpus's own terms";
}

export function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: import.meta.dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}
