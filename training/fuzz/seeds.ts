// Seed files for mutation: real clips of the shared corpora (read at run time, never committed), WAV
// encodings of them in every supported layout, FLAC re-encodings by sox (other rates, bit depths,
// channel counts and block sizes), real metadata.csv excerpts, an IEMOCAP-layout label file, zips of
// a small corpus and a shipped model manifest. Clips are cut to about a second: mutations hit headers
// and frames alike, and short files keep 10,000 cases fast.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { decodeAudio } from '../../src/audio/load.ts';
import { resample } from '../../src/audio/resample.ts';
import { encodeWav } from '../../src/audio/wav.ts';

export const CORPORA = path.resolve(import.meta.dirname, '../../../shared/corpora');
export const RAVDESS_CLIP = path.join(CORPORA, 'ravdess/audio/Actor_21/03-01-05-02-01-01-21.flac');
export const EMODB_CLIPS = ['emodb/audio/03a01Fa.flac', 'emodb/audio/03a01Nc.flac'].map((p) => path.join(CORPORA, p));

export interface Seed {
  name: string;
  bytes: Uint8Array;
  /** Header offsets worth aiming field mutations at. */
  offsets: number[];
}

const cut = (x: Float32Array, n: number): Float32Array => x.slice(0, Math.min(n, x.length));

/** WAV header offsets: RIFF size, fmt size, tag, channels, rate, byte rate, block align, bits, the data
 *  chunk's size (and the extensible sub-format tag). */
function wavOffsets(extensible: boolean): number[] {
  return extensible ? [4, 16, 20, 22, 24, 28, 32, 34, 36, 38, 44, 60, 64] : [4, 16, 20, 22, 24, 28, 32, 34, 36, 40];
}

export async function wavSeeds(): Promise<Seed[]> {
  const a = await decodeAudio(readFileSync(EMODB_CLIPS[0]!));
  const mono = cut(a.channels[0]!, 16000);
  const at48 = await resample(mono, 16000, 48000);
  const at8 = await resample(mono, 16000, 8000);
  const at44 = await resample(mono, 16000, 44100);
  const quieter = at48.map((v) => v * 0.7);
  return [
    { name: 'wav pcm16 mono 16k', bytes: encodeWav([mono], { sampleRate: 16000, encoding: 'int', bitsPerSample: 16 }), offsets: wavOffsets(false) },
    { name: 'wav pcm24 stereo 48k', bytes: encodeWav([at48, quieter], { sampleRate: 48000, encoding: 'int', bitsPerSample: 24 }), offsets: wavOffsets(false) },
    { name: 'wav pcm8 mono 8k', bytes: encodeWav([at8], { sampleRate: 8000, encoding: 'int', bitsPerSample: 8 }), offsets: wavOffsets(false) },
    { name: 'wav float32 extensible 44.1k', bytes: encodeWav([at44], { sampleRate: 44100, encoding: 'float', bitsPerSample: 32, extensible: true }), offsets: wavOffsets(true) },
    { name: 'wav float64 mono 16k', bytes: encodeWav([mono], { sampleRate: 16000, encoding: 'float', bitsPerSample: 64 }), offsets: wavOffsets(false) },
    { name: 'wav pcm32 extensible stereo 22.05k', bytes: encodeWav([cut(at44, 22050), cut(at44, 22050)], { sampleRate: 22050, encoding: 'int', bitsPerSample: 32, extensible: true }), offsets: wavOffsets(true) },
  ];
}

/** STREAMINFO fields (block sizes, frame sizes, rate/channels/bits, total samples), the metadata block
 *  header, and the first audio frame's header (block size / rate codes, channel / bit codes, CRC-8). */
function flacOffsets(bytes: Uint8Array): number[] {
  const out = [4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 17, 18, 19, 20, 21, 22, 23, 24, 25];
  let at = 4;
  for (let guard = 0; guard < 64 && at + 4 <= bytes.length; guard++) {
    const last = (bytes[at]! & 0x80) !== 0;
    const len = (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
    at += 4 + len;
    if (last) break;
  }
  for (let k = 0; k < 8; k++) out.push(at + k); // first frame header
  return out;
}

/** sox re-encodings (other rates, depths, channels; -C 0 writes 1152-sample blocks, -C 8 4096). */
const SOX_VARIANTS: Array<{ name: string; args: string[] }> = [
  { name: 'flac 16-bit 16k (corpus file, cut by sox)', args: ['-C', '5'] },
  { name: 'flac 24-bit stereo 48k, 1152-sample blocks', args: ['-b', '24', '-C', '0', 'channels', '2', 'rate', '48000'] },
  { name: 'flac 8-bit 8k, 4096-sample blocks', args: ['-b', '8', '-C', '8', 'rate', '8000'] },
  { name: 'flac 16-bit 44.1k stereo', args: ['-C', '3', 'channels', '2', 'rate', '44100'] },
];

export function flacSeeds(): Seed[] {
  const seeds: Seed[] = [];
  const raw = new Uint8Array(readFileSync(EMODB_CLIPS[1]!)); // plain bytes, not a pooled Buffer view
  seeds.push({ name: 'flac corpus file (EmoDB, whole)', bytes: raw, offsets: flacOffsets(raw) });
  const dir = mkdtempSync(path.join(tmpdir(), 'msir-fuzz-flac-'));
  try {
    SOX_VARIANTS.forEach((v, i) => {
      const out = path.join(dir, `${i}.flac`);
      // Output options (-b, -C) go before the output file, effects after it; trim keeps ~1.2 s.
      const [opts, effects] = splitSoxArgs(v.args);
      execFileSync('sox', [RAVDESS_CLIP, ...opts, out, 'trim', '0.5', '1.2', ...effects], { stdio: 'ignore' });
      const bytes = new Uint8Array(readFileSync(out));
      seeds.push({ name: v.name, bytes, offsets: flacOffsets(bytes) });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return seeds;
}

function splitSoxArgs(args: string[]): [string[], string[]] {
  const i = args.findIndex((a) => a === 'channels' || a === 'rate');
  return i < 0 ? [args, []] : [args.slice(0, i), args.slice(i)];
}

export function soxAvailable(): boolean {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The first rows of the real metadata.csv files, a label file of another layout, and CSVs of other
 *  corpora's conventions (column names, separators) a user might bring. */
export function labelTextSeeds(): Array<{ name: string; text: string }> {
  const head = (p: string, rows: number): string => readFileSync(path.join(CORPORA, p), 'utf8').split('\n').slice(0, rows).join('\n');
  return [
    { name: 'ravdess metadata.csv (40 rows)', text: head('ravdess/metadata.csv', 41) },
    { name: 'emodb metadata.csv (40 rows)', text: head('emodb/metadata.csv', 41) },
    { name: 'IEMOCAP EmoEvaluation', text: IEMOCAP_DIALOG },
    { name: 'CREMA-D style csv', text: 'FileName,ActorID,Sentence,Emotion,Level\n1001_DFA_ANG_XX.wav,1001,DFA,ANG,XX\n1001_DFA_HAP_XX.wav,1001,DFA,HAP,XX\n1001_IEO_SAD_HI.wav,1001,IEO,SAD,HI\n' },
    { name: 'semicolon csv with quotes', text: 'file;emotion;speaker\n"a;b.wav";"angry";s1\nc.wav;neutral;"s""2"\n' },
    { name: 'MSP-style labels', text: 'file,emotion,split,speaker,corpus\nMSP-PODCAST_0001_0008.wav,N,train,127,msp\nMSP-PODCAST_0001_0019.wav,H,test,,msp\r\nx.flac,sad,val,3,\n' },
  ];
}

/** The shape of a real EmoEvaluation file (header, summary '[' lines, annotator lines). */
export const IEMOCAP_DIALOG = [
  '% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]',
  '',
  '[6.2901 - 8.2357]\tSes01F_impro01_F000\tneu\t[2.5000, 2.5000, 2.5000]',
  'C-E2:\tNeutral;\t()',
  'A-E3:\tval 3; act 2; dom  2;\t()',
  '',
  '[10.0100 - 11.3925]\tSes01F_impro01_F001\texc\t[3.5000, 3.0000, 3.0000]',
  '[14.8872 - 18.0175]\tSes01F_impro01_M000\tfru\t[2.5000, 3.5000, 3.5000]',
  '[20.1 - 22.0]\tSes01F_impro01_M001\tang\t[1.5000, 4.0000, 4.5000]',
  '[24.0 - 25.5]\tSes01F_impro01_M003\thap\t[4.0, 3.0, 3.0]',
  '[30.0 - 31.5]\tSes01F_impro01_F004\tsad\t[2.0, 2.0, 2.0]',
].join('\n');

/** Zip offsets: every local header's and central record's size, CRC and name-length fields, and the
 *  end record's counts, size and offset. */
function zipOffsets(z: Uint8Array): number[] {
  const out: number[] = [];
  const v = new DataView(z.buffer, z.byteOffset, z.byteLength);
  for (let i = 0; i + 4 <= z.length; i++) {
    const sig = v.getUint32(i, true);
    if (sig === 0x04034b50) out.push(i + 8, i + 14, i + 18, i + 22, i + 26, i + 28);
    else if (sig === 0x02014b50) out.push(i + 10, i + 16, i + 20, i + 24, i + 28, i + 30, i + 42);
    else if (sig === 0x06054b50) out.push(i + 8, i + 10, i + 12, i + 16, i + 20);
  }
  return out;
}

/** A small corpus (metadata.csv, two short WAVs, a folder entry) zipped stored and deflated. */
export async function zipSeeds(): Promise<Seed[]> {
  const a = await decodeAudio(readFileSync(EMODB_CLIPS[0]!));
  const clip = encodeWav([cut(a.channels[0]!, 4000)], { sampleRate: 16000, encoding: 'int', bitsPerSample: 16 });
  const silence = encodeWav([new Float32Array(3200)], { sampleRate: 16000, encoding: 'int', bitsPerSample: 16 });
  const files = {
    'corpus/metadata.csv': strToU8('file,emotion,speaker,split\naudio/a.wav,angry,s1,test\naudio/b.wav,neutral,s2,test\n'),
    'corpus/audio/a.wav': clip,
    'corpus/audio/b.wav': silence,
    'corpus/empty/': new Uint8Array(0),
  };
  const stored = zipSync(files, { level: 0 });
  const deflated = zipSync(files, { level: 6 });
  const iemocap = zipSync({
    'S/Session1/dialog/EmoEvaluation/Ses01F_impro01.txt': strToU8(IEMOCAP_DIALOG),
    'S/Session1/sentences/wav/Ses01F_impro01/Ses01F_impro01_F000.wav': clip,
    'S/Session1/sentences/wav/Ses01F_impro01/Ses01F_impro01_M001.wav': silence,
  });
  return [
    { name: 'zip stored', bytes: stored, offsets: zipOffsets(stored) },
    { name: 'zip deflated', bytes: deflated, offsets: zipOffsets(deflated) },
    { name: 'zip IEMOCAP layout', bytes: iemocap, offsets: zipOffsets(iemocap) },
  ];
}

export function corporaAvailable(): boolean {
  return existsSync(RAVDESS_CLIP) && EMODB_CLIPS.every((p) => existsSync(p));
}
