// `msir detect`: real clips through the CLI with the shipped default model. A speaker-normalised model
// treats the clips as one session, like the browser's file drop: the same numbers as DetectionEngine
// (what the browser's worker runs) given the same clips in the same order.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { readAudioFile } from '../../../src/audio/node.ts';
import { DetectionEngine } from '../../../src/detector/engine.ts';
import { EMOTIONS } from '../../../src/model/emotions.ts';
import { REPO_ROOT } from '../../features/reference.ts';

const BIN = resolve(REPO_ROOT, 'training/bin.mjs');
const MODEL = resolve(REPO_ROOT, 'public/models/msir-default');
// Strong-intensity angry statement by actor 19 (test split: the model never trained on this speaker).
const ANGRY = resolve(REPO_ROOT, '../shared/corpora/ravdess/audio/Actor_19/03-01-05-02-01-01-19.flac');
const tmp = mkdtempSync(join(tmpdir(), 'msir-detect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function msir(...args: string[]) {
  return spawnSync(process.execPath, [BIN, 'detect', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
}

describe('msir detect', () => {
  it('detects a strongly angry test-split clip as angry, and keeps going past a bad file', () => {
    const json = join(tmp, 'out.json');
    const r = msir('--model', MODEL, '--json', json, ANGRY, join(tmp, 'missing.wav'));
    expect(r.status).toBe(1); // one clip failed
    expect(r.stderr).toMatch(/missing\.wav/);
    const out = JSON.parse(readFileSync(json, 'utf8')) as {
      thresholds: number[];
      clips: Array<{ file: string; emotions: Record<string, { probability: number; positive: boolean }> }>;
    };
    expect(out.clips).toHaveLength(1);
    const { emotions } = out.clips[0]!;
    expect(Object.keys(emotions).sort()).toEqual([...EMOTIONS].sort());
    for (const [i, e] of EMOTIONS.entries()) {
      const { probability, positive } = emotions[e]!;
      expect(probability).toBeGreaterThanOrEqual(0);
      expect(probability).toBeLessThanOrEqual(1);
      expect(positive).toBe(probability >= out.thresholds[i]!);
    }
    expect(emotions.angry!.positive).toBe(true);
    expect(emotions.happy!.positive).toBe(false);
    expect(r.stdout).toMatch(/angry \+0\.\d{3}/);
    expect(r.stderr).toMatch(/^backend: wasm/m); // the default backend, reported where it does not mix with detections
  });

  it('gives the same detections on the cpu backend as on wasm (to float rounding)', () => {
    const [wasm, cpu] = ['wasm', 'cpu'].map((backend) => {
      const json = join(tmp, `${backend}.json`);
      const r = msir('--model', MODEL, '--backend', backend, '--json', json, ANGRY);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain(`backend: ${backend}`);
      return JSON.parse(readFileSync(json, 'utf8')).clips[0].emotions as Record<string, { probability: number; positive: boolean }>;
    });
    for (const e of EMOTIONS) {
      expect(wasm![e]!.probability).toBeCloseTo(cpu![e]!.probability, 5);
      expect(wasm![e]!.positive).toBe(cpu![e]!.positive);
    }
  });

  it('gives what DetectionEngine gives on the same clips in the same order (the session, for a speaker-normalised model)', async () => {
    // Actor 19 (test split): angry, neutral, sad.
    const clips = [ANGRY, ...['03-01-01-01-01-01-19', '03-01-04-02-01-01-19'].map((n) => resolve(REPO_ROOT, `../shared/corpora/ravdess/audio/Actor_19/${n}.flac`))];
    const json = join(tmp, 'session.json');
    const r = msir('--model', MODEL, '--backend', 'cpu', '--json', json, ...clips);
    expect(r.status, r.stderr).toBe(0);
    const cli = (JSON.parse(readFileSync(json, 'utf8')).clips as Array<{ emotions: Record<string, { probability: number; positive: boolean }> }>).map((c) => c.emotions);
    expect(cli).toHaveLength(clips.length);
    await tf.setBackend('cpu');
    const engine = await DetectionEngine.create({ model: MODEL });
    const speechSec: number[] = [];
    let worst = 0;
    try {
      for (const [i, c] of clips.entries()) {
        const d = await engine.run(await readAudioFile(c), 0, 1);
        if (d.normalisation) speechSec.push(d.normalisation.speechSec);
        for (const e of EMOTIONS) {
          worst = Math.max(worst, Math.abs(cli[i]![e]!.probability - d.emotions[e].probability));
          expect(cli[i]![e]!.positive).toBe(d.emotions[e].positive);
        }
      }
    } finally {
      await engine.dispose();
    }
    console.log(`msir detect vs DetectionEngine over ${clips.length} clips: max |Δp| ${worst.toExponential(2)}${speechSec.length ? `; session speech ${speechSec.map((s) => s.toFixed(2)).join(', ')} s` : ' (no speaker normalisation)'}`);
    expect(worst).toBeLessThanOrEqual(1e-4);
    // The session grew clip by clip (for a model without speaker normalisation there is none).
    if (engine.predictor.manifest.speakerNormalisation) speechSec.forEach((s, i) => i > 0 && expect(s).toBeGreaterThan(speechSec[i - 1]!));
    else expect(speechSec).toEqual([]);
  });

  it('says a silent clip has no speech instead of guessing emotions', () => {
    const silence = resolve(REPO_ROOT, '../shared/reference/synthetic/wav/silence_0.5s.wav');
    const r = msir('--model', MODEL, silence);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/silence_0\.5s\.wav: No speech: the clip is silent/);
    expect(r.stdout).not.toMatch(/angry/);
  });

  it('exits 2 with usage when the model or clips are missing, or the backend is unknown', () => {
    const r = msir('--model', MODEL);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: msir detect/);
    const b = msir('--model', MODEL, '--backend', 'gpu', ANGRY);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/--backend must be auto, tensorflow, wasm or cpu \(got "gpu"\)/);
  });
});
