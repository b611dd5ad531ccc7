// `msir detect --model DIR CLIP…`: per-emotion detections for audio files, the same path as the browser
// detector's file drop (decode → 16 kHz → FeatureExtractor [→ speaker/session normalisation] [→ wav2vec2]
// → model → thresholds). A speaker-normalised model normalises as the file drop does in its session:
// with statistics accumulated over the clips analysed so far, in command-line order, this one included.
import { writeFile } from 'node:fs/promises';
import { describeLevel, measureLevel } from '../../src/audio/level.ts';
import { readAudioFile } from '../../src/audio/node.ts';
import { audioForModel } from '../../src/audio/normalise-level.ts';
import { FeatureExtractor } from '../../src/features/extractor.ts';
import { SpeakerStats } from '../../src/features/speaker-norm.ts';
import { EMOTIONS, type Emotion } from '../../src/model/emotions.ts';
import { loadPredictor } from '../../src/model/load.ts';
import type { Wav2Vec2Encoder } from '../../src/ssl/encoder.ts';
import { loadEncoderForModel } from '../../src/ssl/for-model.ts';
import { parseCommand, usageError } from './cli-args.ts';
import { BACKEND_USAGE, backendChoiceError, initBackend, isBackendChoice } from '../backend/index.ts';

const usage = `usage: msir detect --model DIR [--wav2vec2 DIR] [--json FILE] CLIP [CLIP…]

Detect happy / neutral / sad / angry in each clip (WAV or FLAC, any rate, mono or stereo).
A model with speaker normalisation treats the clips as one session (as the browser's file drop does):
each clip is normalised with the statistics of itself and the clips before it, so give one speaker's clips.
  --model DIR        model folder (e.g. public/models/msir-default)
  --wav2vec2 DIR     wav2vec2 model folder (only for models with a w2v branch)
  --json FILE        also write the detections as JSON
${BACKEND_USAGE}`;

export interface ClipDetection {
  file: string;
  durationSec: number;
  emotions: Record<Emotion, { probability: number; positive: boolean }>;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('detect', usage, {
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      wav2vec2: { type: 'string' },
      json: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (!values.model) return usageError('detect', usage)('--model is required');
  if (positionals.length === 0) return usageError('detect', usage)('give at least one audio file');
  if (!isBackendChoice(values.backend)) return usageError('detect', usage)(backendChoiceError(values.backend));
  // stderr: stdout carries only the detections
  process.stderr.write(`backend: ${await initBackend(values.backend)}\n`);
  const predictor = await loadPredictor(values.model);
  const { manifest } = predictor;
  let encoder: Wav2Vec2Encoder | undefined;
  if (manifest.branches.includes('w2v')) {
    if (!values.wav2vec2) {
      predictor.dispose();
      console.error(`msir detect: model "${manifest.name}" has a wav2vec2 branch: pass --wav2vec2 DIR (the encoder it was trained on)`);
      return 2;
    }
    encoder = await loadEncoderForModel(manifest, { model: values.wav2vec2 });
  }
  const extractor = new FeatureExtractor();
  const session = manifest.speakerNormalisation ? new SpeakerStats(manifest.speakerNormalisation) : null;
  const results: ClipDetection[] = [];
  let failures = 0;
  try {
    for (const file of positionals) {
      try {
        const audio = await readAudioFile(file);
        const level = measureLevel(audio);
        const levelNote = describeLevel(level);
        // Silence has no emotion to judge: report it as this clip's error instead of the model's guesses.
        if (level.silent) throw new Error(levelNote ?? 'silent');
        if (levelNote) console.error(`msir detect: ${file}: ${levelNote}`);
        const raw = extractor.extract(audioForModel(audio, manifest.features.levelDb));
        const features = session ? session.add(raw).normalise(raw) : raw;
        const w2v = encoder ? await encoder.encode(audio) : undefined;
        const { probabilities } = await predictor.predict(w2v ? { features, w2v } : { features });
        const emotions = {} as ClipDetection['emotions'];
        manifest.emotions.forEach((e, i) => {
          emotions[e] = { probability: probabilities[i]!, positive: probabilities[i]! >= manifest.thresholds[i]! };
        });
        results.push({ file, durationSec: features.durationSec, emotions });
        const line = EMOTIONS.map((e) => `${e} ${emotions[e].positive ? '+' : '-'}${emotions[e].probability.toFixed(3)}`).join('  ');
        console.log(`${file}  ${line}`);
      } catch (err) {
        failures++;
        console.error(`msir detect: ${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } finally {
    predictor.dispose();
    await encoder?.dispose();
  }
  if (values.json) {
    await writeFile(values.json, JSON.stringify({ model: manifest.name, thresholds: manifest.thresholds, clips: results }, null, 1));
  }
  return failures > 0 ? 1 : 0;
}
