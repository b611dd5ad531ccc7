// The robustness section of docs/experiments.md, from docs/experiments/fuzz.json (written by
// `npm run fuzz`): cases per target, outcomes, failures, time per case, and what was found and fixed.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FINDINGS } from '../../fuzz/findings.ts';
import type { FuzzRun } from '../fuzz.ts';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Markdown for the fuzz run in `dir`, or '' when there is none yet. */
export function fuzzSection(dir: string): string {
  const file = path.join(dir, 'fuzz.json');
  if (!existsSync(file)) return '';
  const run = JSON.parse(readFileSync(file, 'utf8')) as FuzzRun;
  const lines = [
    '## Robustness: fuzzing and property tests',
    '',
    `Reproduce: \`${run.command}\` (${run.date}, commit ${run.commit}, ${run.machine}, ${Math.round(run.totalSec / 60)} min). Every target draws`,
    'its inputs from fast-check with the seed above; a case fails on any error other than the documented ones',
    '(AudioError, CorpusError, ZipError, DetectorError), on a broken invariant (output shape, 10 ms frames per',
    'second of input, finite values, duration kept, input bytes untouched, every label row and file accounted',
    'for, read size = declared size) or when it uses more CPU time than its bound (2 s; signals 2 s + 0.3 s per',
    'second of audio; a 60 s wall-clock watchdog names any case that hangs). Wall times below include other',
    'processes\' load on the shared 2-core machine. Targets and properties: `training/fuzz/`; small seeded counts',
    'run in CI (`tests/fuzz/`).',
    '',
    '| target | input → code under test | cases | accepted | documented errors (most frequent) | failures | kinds | max ms CPU | max ms wall | mean ms wall |',
    '| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const t of run.targets) {
    const documented = Object.entries(t.expected).sort((a, b) => b[1] - a[1]);
    const total = documented.reduce((n, [, c]) => n + c, 0);
    const top = documented.slice(0, 3).map(([k, c]) => `${k} ${c}`).join(', ');
    lines.push(`| ${t.target} | ${cell(t.what)} | ${t.cases} | ${t.ok} | ${total}${top ? ` (${cell(top)})` : ''} | **${t.failures}** | ${t.kinds.length} | ${t.maxCpuMs ?? '—'} | ${t.maxMs} | ${t.meanMs} |`);
  }
  const failing = run.targets.filter((t) => t.failures > 0);
  lines.push('');
  for (const t of run.targets) if (t.note) lines.push(`Note on ${t.target}: ${t.note}`, '');
  if (failing.length === 0) lines.push(`No failures in ${run.targets.reduce((n, t) => n + t.cases, 0)} cases.`);
  for (const t of failing) {
    lines.push(`Failures of ${t.target}:`, '');
    for (const k of t.kinds) lines.push(`- ×${k.count} ${cell(k.kind)} (e.g. ${cell(k.example)})`);
    lines.push('');
  }
  lines.push(
    '',
    '### Found on the way',
    '',
    'Kept by hand in `training/fuzz/findings.ts`; each regression test fails without its fix.',
    '',
    '| found by | failure | seen | fix | regression test | status |',
    '| --- | --- | --- | --- | --- | --- |',
    ...FINDINGS.map((f) => `| ${f.target} | ${cell(f.failure)} | ${cell(f.seen)} | ${cell(f.fix)} | \`${f.regression}\` | ${f.status} |`),
    '',
  );
  return lines.join('\n');
}
