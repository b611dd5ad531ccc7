// A small real corpus in the shared layout for training tests: the shortest EmoDB clips (symlinked from
// ../shared), 2 per 4-class emotion and speaker (train 03+10, val 12, test 15) plus 1 boredom clip each.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseSharedMetadata } from '../../src/eval/corpus/index.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
const emodbDir = path.resolve(repoRoot, '../shared/corpora/emodb');

const DEFAULT_SPLIT: Record<string, string> = { emodb03: 'train', emodb10: 'train', emodb12: 'val', emodb15: 'test' };

/** Writes the corpus into `dir` (audio/ + metadata.csv) and returns `dir`. `split` picks the EmoDB
 *  speakers and their split (default train 03+10, val 12, test 15); `name` is the corpus column. */
export function makeToyCorpus(dir: string, split: Record<string, string> = DEFAULT_SPLIT, name = 'toy'): string {
  const { clips } = parseSharedMetadata(readFileSync(path.join(emodbDir, 'metadata.csv'), 'utf8'));
  const rows = ['file,corpus,speaker,gender,emotion,intensity,text,language,duration_s,split'];
  const meta = readFileSync(path.join(emodbDir, 'metadata.csv'), 'utf8').split('\n');
  mkdirSync(path.join(dir, 'audio'), { recursive: true });
  for (const speaker of Object.keys(split)) {
    for (const emotion of ['happy', 'neutral', 'sad', 'angry', 'boredom']) {
      const pick = clips
        .filter((c) => c.speaker === speaker && c.emotion === emotion)
        .map((c) => ({ c, dur: Number(meta.find((l) => l.startsWith(`${c.path},`))!.split(',')[8]) }))
        .sort((a, b) => a.dur - b.dur)
        .slice(0, emotion === 'boredom' ? 1 : 2);
      for (const { c } of pick) {
        symlinkSync(path.join(emodbDir, c.path), path.join(dir, 'audio', path.basename(c.path)));
        rows.push(`audio/${path.basename(c.path)},${name},${speaker},x,${emotion},,t,de,0,${split[speaker]}`);
      }
    }
  }
  writeFileSync(path.join(dir, 'metadata.csv'), rows.join('\n') + '\n');
  return dir;
}
