// Builds a 768-wide random-weight wav2vec2 model folder from a committed graph skeleton
// (tests/fixtures/wav2vec2-skeletons/<name>.graph.onnx: the real torch.onnx export with its large float
// initializers removed) by appending seeded-random initializers with each tensor's original mean/std.
// Protobuf merges repeated occurrences of an embedded message field, so a second `graph` (ModelProto field 7)
// holding only `initializer` entries (GraphProto field 5) completes the first: no ONNX library needed.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, writeFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SKELETONS = resolve(ROOT, 'tests/fixtures/wav2vec2-skeletons');
export const TINY = resolve(ROOT, 'tests/fixtures/wav2vec2-tiny');
export const TINY_CTC = resolve(ROOT, 'tests/fixtures/wav2vec2-tiny-ctc');
/** Generated models live here (gitignored `.cache/`), where the Vite dev server can serve them too. */
export const GENERATED = resolve(ROOT, '.cache/msir-wav2vec2');

export type SkeletonName = 'w768-small' | 'w768-base';

interface SkeletonSpec {
  config: Record<string, unknown>;
  preprocessor: Record<string, unknown>;
  initializers: Array<{ name: string; dims: number[]; mean: number; std: number }>;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function tensorHeader(name: string, dims: number[], rawBytes: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const parts: number[] = [];
  for (const d of dims) parts.push(0x08, ...varint(d)); // dims (1, int64)
  parts.push(0x10, 1); // data_type (2) = FLOAT
  parts.push(0x42, ...varint(nameBytes.length)); // name (8)
  const head = Buffer.concat([Buffer.from(parts), nameBytes, Buffer.from([0x4a, ...varint(rawBytes)])]); // raw_data (9)
  return head;
}

/** Deterministic normal deviates: mulberry32 + Box–Muller. */
function normalFill(out: Float32Array, mean: number, std: number, seed: number): void {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = mean + std * r * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * v);
  }
}

/**
 * Writes <GENERATED>/<name>/{config.json, preprocessor_config.json, onnx/model.onnx} unless already there
 * (a stamp records the skeleton's hash and seed). Returns the folder.
 */
export async function synthesizeWav2Vec2(name: SkeletonName, seed = 1): Promise<string> {
  const graphPath = resolve(SKELETONS, `${name}.graph.onnx`);
  const skeleton = await readFile(graphPath);
  const spec = JSON.parse(await readFile(resolve(SKELETONS, `${name}.json`), 'utf8')) as SkeletonSpec;
  const stampText = `${createHash('sha256').update(skeleton).digest('hex')} seed=${seed}\n`;
  const dir = resolve(GENERATED, name);
  const stampPath = resolve(dir, 'msir-synth.stamp');
  const existing = await readFile(stampPath, 'utf8').catch(() => '');
  if (existing === stampText && (await stat(resolve(dir, 'onnx/model.onnx')).catch(() => null))) return dir;

  // Test files run in parallel workers and may synthesize the same model at once: every file is written
  // under a unique name and renamed into place, so a reader never sees a half-written one.
  const tmp = `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const put = async (file: string, text: string) => {
    await writeFile(resolve(dir, file + tmp), text);
    await rename(resolve(dir, file + tmp), resolve(dir, file));
  };
  await mkdir(resolve(dir, 'onnx'), { recursive: true });
  await put('config.json', JSON.stringify(spec.config, null, 2));
  await put('preprocessor_config.json', JSON.stringify(spec.preprocessor, null, 2));

  const headers = spec.initializers.map((t) => tensorHeader(t.name, t.dims, 4 * t.dims.reduce((p, d) => p * d, 1)));
  const entries = spec.initializers.map((t, i) => {
    const tensorLen = headers[i]!.length + 4 * t.dims.reduce((p, d) => p * d, 1);
    return { prefix: Buffer.from([0x2a, ...varint(tensorLen)]), tensorLen };
  });
  const graphLen = entries.reduce((s, e) => s + e.prefix.length + e.tensorLen, 0);

  const modelTmp = resolve(dir, 'onnx/model.onnx' + tmp);
  const file = await open(modelTmp, 'w');
  try {
    await file.write(skeleton);
    await file.write(Buffer.from([0x3a, ...varint(graphLen)])); // ModelProto.graph (7), merged with the first
    for (let i = 0; i < spec.initializers.length; i++) {
      const t = spec.initializers[i]!;
      const values = new Float32Array(t.dims.reduce((p, d) => p * d, 1));
      normalFill(values, t.mean, t.std, seed * 7919 + i);
      await file.write(entries[i]!.prefix);
      await file.write(headers[i]!);
      await file.write(new Uint8Array(values.buffer));
    }
  } finally {
    await file.close();
  }
  await rename(modelTmp, resolve(dir, 'onnx/model.onnx'));
  await put('msir-synth.stamp', stampText);
  return dir;
}

/** The committed reference clip of the tiny fixture and PyTorch's output for it. */
export async function readTinyReference(): Promise<{ input: Float32Array; output: Float32Array; frames: number; hidden: number }> {
  const meta = JSON.parse(await readFile(resolve(TINY, 'reference/reference.json'), 'utf8')) as { frames: number; hidden: number };
  const f32 = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  return {
    input: f32(await readFile(resolve(TINY, 'reference/input.f32'))),
    output: f32(await readFile(resolve(TINY, 'reference/last_hidden_state.f32'))),
    frames: meta.frames,
    hidden: meta.hidden,
  };
}
