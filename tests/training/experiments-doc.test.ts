// docs/experiments.md is generated from the protocol runs' JSON and the hand-written findings: a stale
// copy (a run added or re-run without regenerating) fails here.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './toy-corpus.ts';

describe('docs/experiments.md', () => {
  it('is what npm run experiments:doc generates', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'training/scripts/experiments-doc.ts'), '--check'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.stderr + r.stdout).not.toMatch(/stale/);
    expect(r.status).toBe(0);
  });
});
