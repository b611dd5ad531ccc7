// The README's performance block is generated from the benchmarks' JSON (bench/readme-perf.ts), never
// typed by hand: it must match what the JSON gives, and name every goal it reports on.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { perfBlock } from '../../bench/readme-perf.ts';

describe('README performance block', () => {
  it('is what npm run bench:readme makes from docs/perf/*.json', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const block = perfBlock();
    expect(readme).toContain(block);
    for (const goal of ['≤ 60 ms', '≤ 300 ms', '≥ 2 per s', '≤ 2× PyTorch', '≤ 15 min']) expect(block).toContain(goal);
  });
});
