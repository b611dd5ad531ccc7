// `msir features IN_AUDIO --lld-csv OUT.csv --logmel-csv OUT2.csv`: features of one clip in the
// reference tools' CSV layouts (openSMILE LLD csvSink; python_speech_features logfbank + delta).
import { writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { AudioError } from '../../src/audio/errors.ts';
import { readAudioFile } from '../../src/audio/node.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import { LLD_CSV_NAMES } from '../../src/features/lld/index.ts';
import { LLD_COUNT, LLD_DIMS, LOGMEL_BANDS, type Features } from '../../src/features/types.ts';
import { openSmileNumber, pyFloatRepr } from './csv-format.ts';

const usage = `usage: msir features IN_AUDIO [--lld-csv OUT.csv] [--logmel-csv OUT2.csv] [--name NAME]

Extract features from one audio file (WAV, FLAC or Ogg FLAC, any sample rate and channel count; resampled to
16 kHz mono) and write them as CSV:
  --lld-csv FILE     65 ComParE 2016 LLDs + Δ, openSMILE layout (';', header name;frameTime;…)
  --logmel-csv FILE  40 log-Mel bands + Δ, python_speech_features layout (frameIndex,frameTime,…)
  --name NAME        value of the LLD 'name' column (default: the file name without extension)
At least one of --lld-csv / --logmel-csv is required.`;

/** openSMILE LLD CSV: one row per openSMILE row; the flush row repeats the previous frameTime. */
export function lldCsv(f: Features, name: string): string {
  const lines = [['name', 'frameTime', ...LLD_CSV_NAMES].join(';')];
  const cols = 2 * LLD_COUNT; // LLDs and Δ; the CSV has no Δ²
  for (let r = 0; r < f.lldFrames; r++) {
    const cells = [`'${name}'`, (Math.min(r, f.lldFrames - 2) * 0.01).toFixed(6)];
    const o = r * LLD_DIMS;
    for (let c = 0; c < cols; c++) cells.push(openSmileNumber(f.lld[o + c]!));
    lines.push(cells.join(';'));
  }
  return lines.join('\n') + '\n';
}

/** python_speech_features CSV (as the references were written): frameIndex, frameTime (2 decimals), 40 logfbank, 40 delta. */
export function logmelCsv(f: Features): string {
  const header = ['frameIndex', 'frameTime'];
  for (let b = 0; b < LOGMEL_BANDS; b++) header.push(`logfbank_${b}`);
  for (let b = 0; b < LOGMEL_BANDS; b++) header.push(`delta_logfbank_${b}`);
  const lines = [header.join(',')];
  for (let t = 0; t < f.logmelFrames; t++) {
    const cells = [String(t), (t * 0.01).toFixed(2)];
    for (let ch = 0; ch < 2; ch++) {
      for (let b = 0; b < LOGMEL_BANDS; b++) cells.push(pyFloatRepr(f.logmel[(t * LOGMEL_BANDS + b) * 2 + ch]!));
    }
    lines.push(cells.join(','));
  }
  return lines.join('\r\n') + '\r\n'; // Python's csv module ends lines with CRLF
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'lld-csv': { type: 'string' },
        'logmel-csv': { type: 'string' },
        name: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`msir features: ${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`msir features: expected exactly one input audio file, got ${positionals.length}\n\n${usage}`);
    return 2;
  }
  const lldPath = values['lld-csv'];
  const melPath = values['logmel-csv'];
  if (!lldPath && !melPath) {
    console.error(`msir features: nothing to do: give --lld-csv and/or --logmel-csv\n\n${usage}`);
    return 2;
  }
  const input = positionals[0]!;
  try {
    const audio = await readAudioFile(input);
    const features = new FeatureExtractor({ lld: Boolean(lldPath), logmel: Boolean(melPath) }).extract(audio);
    const name = values.name ?? basename(input, extname(input));
    if (lldPath) await writeFile(lldPath, lldCsv(features, name));
    if (melPath) await writeFile(melPath, logmelCsv(features));
    return 0;
  } catch (err) {
    const what = err instanceof AudioError ? `bad audio (${err.code}): ${err.message}` : err instanceof Error ? err.message : String(err);
    console.error(`msir features: ${what}`);
    return 1;
  }
}
