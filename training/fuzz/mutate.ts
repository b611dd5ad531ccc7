// Mutations of real files: bit flips, byte overwrites, truncations, inserted and deleted runs, and
// writes of hostile 16/32-bit values (0, 0xFFFFFFFF, 10 GB-ish lengths) at chosen header offsets.
// A mutation is a small plan (positions as fractions of the file), applied to a seed file chosen by
// index, so fast-check's reports stay short and every case can be replayed from the seed.
import fc from 'fast-check';

export type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'byte'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'delete'; at: number; length: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'field'; offset: number; width: 1 | 2 | 4; value: number; bigEndian: boolean };

export interface MutatedFile {
  seed: number;
  mutations: Mutation[];
}

/** Values that break parsers: zero, one, all-ones, sign bits, and sizes far beyond any file. */
export const HOSTILE_VALUES = [0, 1, 2, 3, 7, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 10_000_000_000 % 2 ** 32] as const;

const fraction = fc.noBias(fc.integer({ min: 0, max: 1 << 20 })).map((k) => k / ((1 << 20) + 1));

/** `offsets`: header positions worth aiming at (chunk sizes, rates, counts) for this format. */
export function mutationArb(seeds: number, offsets: readonly number[] = [], maxMutations = 4): fc.Arbitrary<MutatedFile> {
  const at = fraction;
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('byte' as const), at, value: fc.integer({ min: 0, max: 255 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 64 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('insert' as const), at, bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 32 }) }) },
    {
      weight: offsets.length ? 4 : 0,
      arbitrary: fc.record({
        op: fc.constant('field' as const),
        offset: offsets.length ? fc.constantFrom(...offsets) : fc.constant(0),
        width: fc.constantFrom<1 | 2 | 4>(1, 2, 4),
        value: fc.oneof(fc.constantFrom(...HOSTILE_VALUES), fc.integer({ min: 0, max: 0xffffffff })),
        bigEndian: fc.boolean(),
      }),
    },
  );
  return fc.record({ seed: fc.integer({ min: 0, max: seeds - 1 }), mutations: fc.array(mutation, { minLength: 1, maxLength: maxMutations }) });
}

export function applyMutations(src: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  // A copy in every case: Node's Buffer.slice() is a view, and mutating it changed the seed files
  // themselves (the FLAC seeds, read with readFileSync), so mutations piled up from case to case.
  let b: Uint8Array = new Uint8Array(src);
  const pos = (f: number): number => Math.min(b.length, Math.floor(f * (b.length + 1)));
  for (const m of mutations) {
    switch (m.op) {
      case 'flip': {
        const i = pos(m.at);
        if (i < b.length) b[i] = b[i]! ^ (1 << m.bit);
        break;
      }
      case 'byte': {
        const i = pos(m.at);
        if (i < b.length) b[i] = m.value;
        break;
      }
      case 'truncate':
        b = b.slice(0, pos(m.at));
        break;
      case 'delete': {
        const i = pos(m.at);
        b = concat(b.subarray(0, i), b.subarray(Math.min(b.length, i + m.length)));
        break;
      }
      case 'insert': {
        const i = pos(m.at);
        b = concat(b.subarray(0, i), Uint8Array.from(m.bytes), b.subarray(i));
        break;
      }
      case 'field': {
        for (let k = 0; k < m.width; k++) {
          const i = m.offset + k;
          if (i >= b.length) break;
          const shift = 8 * (m.bigEndian ? m.width - 1 - k : k);
          b[i] = Math.floor(m.value / 2 ** shift) & 0xff;
        }
        break;
      }
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function describeMutations(f: MutatedFile, seedNames: readonly string[]): string {
  const ms = f.mutations.map((m) => {
    switch (m.op) {
      case 'flip':
        return `flip@${m.at.toFixed(4)}:${m.bit}`;
      case 'byte':
        return `byte@${m.at.toFixed(4)}=${m.value}`;
      case 'truncate':
        return `truncate@${m.at.toFixed(4)}`;
      case 'delete':
        return `delete@${m.at.toFixed(4)}+${m.length}`;
      case 'insert':
        return `insert@${m.at.toFixed(4)}[${m.bytes.length}]`;
      case 'field':
        return `field@${m.offset}/${m.width}${m.bigEndian ? 'be' : 'le'}=${m.value}`;
    }
  });
  return `${seedNames[f.seed] ?? f.seed}: ${ms.join(' ')}`;
}
