// The model manifest loader under mutated manifests: a shipped manifest.json (the default's linear
// member) with structural JSON mutations (keys deleted, values replaced by hostile ones, arrays cut)
// or byte mutations, loaded by DetectionEngine.create from a folder that also holds the member's real
// weights. Documented outcome: DetectorError (invalid-manifest, model-not-found, model-load-failed).
// A manifest that loads must give detections with finite probabilities in [0, 1] on a real clip.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { DetectionEngine } from '../../../src/detector/engine.ts';
import { EMOTIONS } from '../../../src/model/emotions.ts';
import { applyMutations, mutationArb, describeMutations, type MutatedFile } from '../mutate.ts';
import { expectedCode, invariant, type FuzzTarget } from '../target.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Values a manifest field should never hold, and some it might. */
const HOSTILE: Json[] = [null, true, 0, -1, 1, 0.5, 1e308, -1e308, 5e-324, 16000, '', 'x', '..', '../../etc', 'msir', 'ensemble', 'linear', [], [0], {}, { mean: [], std: [] }];

type JsonOp =
  | { op: 'replace'; path: number[]; value: number }
  | { op: 'delete'; path: number[] }
  | { op: 'cut'; path: number[]; keep: number }
  | { op: 'scale'; path: number[]; factor: number };

/** Factors for a number deep in the manifest (a statistic, a threshold, a frame step): the values stay
 *  finite JSON numbers, so only range checks can catch them. */
const FACTORS = [0, -1, 1e-300, 1e300, 1e-30, 1e30, 1e-6, 1e6] as const;

export interface ManifestCase {
  kind: 'json' | 'bytes';
  ops: JsonOp[];
  bytes: MutatedFile;
}

/** Walk to a node by choosing, at each level, child index mod the number of children. */
function locate(root: Json, choice: number[]): { parent: Json[] | { [k: string]: Json } | null; key: string | number | null } {
  let parent: Json[] | { [k: string]: Json } | null = null;
  let key: string | number | null = null;
  let node: Json = root;
  for (const c of choice) {
    if (node === null || typeof node !== 'object') break;
    const keys: Array<string | number> = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    const k = keys[c % keys.length]!;
    parent = node;
    key = k;
    node = Array.isArray(node) ? node[k as number]! : node[k as string]!;
  }
  return { parent, key };
}

/** Follow the choices (cycling through them) down to a leaf; scale it if it is a number. */
function scaleLeaf(root: Json, choice: number[], factor: number): void {
  let node: Json = root;
  for (let depth = 0; depth < 16 && node !== null && typeof node === 'object'; depth++) {
    const keys: Array<string | number> = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) return;
    const k = keys[choice[depth % choice.length]! % keys.length]!;
    const child: Json = Array.isArray(node) ? node[k as number]! : node[k as string]!;
    if (typeof child === 'number') {
      if (Array.isArray(node)) node[k as number] = child * factor;
      else node[k as string] = child * factor;
      return;
    }
    node = child;
  }
}

function applyJsonOps(root: Json, ops: JsonOp[]): Json {
  const doc = structuredClone(root);
  for (const o of ops) {
    if (o.op === 'scale') {
      scaleLeaf(doc, o.path, FACTORS[o.factor % FACTORS.length]!);
      continue;
    }
    const { parent, key } = locate(doc, o.path);
    if (parent === null || key === null) continue;
    const get = (): Json => (Array.isArray(parent) ? parent[key as number]! : parent[key as string]!);
    const set = (v: Json): void => {
      if (Array.isArray(parent)) parent[key as number] = v;
      else parent[key as string] = v;
    };
    if (o.op === 'replace') set(structuredClone(HOSTILE[o.value % HOSTILE.length]!));
    else if (o.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else {
      const v = get();
      if (Array.isArray(v)) v.length = Math.min(v.length, o.keep);
      else if (typeof v === 'number') set(v * (o.keep - 2)); // scale, flip sign or zero a number
    }
  }
  return doc;
}

export function manifestTarget(modelDir: string, clip: Float32Array): FuzzTarget<ManifestCase> {
  const text = readFileSync(path.join(modelDir, 'manifest.json'), 'utf8');
  const original = JSON.parse(text) as Json;
  const dir = mkdtempSync(path.join(tmpdir(), 'msir-fuzz-manifest-'));
  copyFileSync(path.join(modelDir, 'linear.json'), path.join(dir, 'linear.json'));
  const pathArb = fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 5 });
  const op: fc.Arbitrary<JsonOp> = fc.oneof(
    fc.record({ op: fc.constant('replace' as const), path: pathArb, value: fc.nat({ max: 1000 }) }),
    fc.record({ op: fc.constant('delete' as const), path: pathArb }),
    fc.record({ op: fc.constant('cut' as const), path: pathArb, keep: fc.nat({ max: 4 }) }),
    fc.record({ op: fc.constant('scale' as const), path: pathArb, factor: fc.nat({ max: 1000 }) }),
  );
  return {
    name: 'manifest',
    what: 'mutated manifest.json of the shipped linear member (JSON-structural and byte mutations) → DetectionEngine.create → detect on a real clip',
    arbitrary: fc.record({
      kind: fc.constantFrom<'json' | 'bytes'>('json', 'json', 'json', 'bytes'),
      ops: fc.array(op, { minLength: 1, maxLength: 3 }),
      bytes: mutationArb(1, [], 3),
    }),
    describe: (c) => (c.kind === 'json' ? `json ${JSON.stringify(c.ops)}` : `bytes ${describeMutations(c.bytes, ['manifest.json'])}`),
    async run(c) {
      const out = c.kind === 'json' ? JSON.stringify(applyJsonOps(original, c.ops)) : new TextDecoder().decode(applyMutations(new TextEncoder().encode(text), c.bytes.mutations));
      writeFileSync(path.join(dir, 'manifest.json'), out);
      let engine: DetectionEngine;
      try {
        engine = await DetectionEngine.create({ model: dir });
      } catch (err) {
        const code = expectedCode(err, ['DetectorError']);
        if (!code) throw err;
        invariant(err instanceof Error && err.message.length > 10, 'error without a usable message');
        return code;
      }
      try {
        const d = await engine.run(clip, 0, clip.length / 16000);
        for (const e of EMOTIONS) {
          const p = d.emotions[e].probability;
          // An emotion the manifest does not list is NaN by design (engine.ts); a listed one must be a probability.
          const listed = engine.predictor.manifest.emotions.includes(e);
          invariant(listed ? Number.isFinite(p) && p >= 0 && p <= 1 : Number.isNaN(p), `${e} probability ${p} (listed ${listed})`);
        }
      } finally {
        await engine.dispose();
      }
      return 'ok';
    },
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
