// A fuzz target and the loop that runs it. A target turns one generated input into an outcome: 'ok',
// or the code of a documented error (AudioError, CorpusError, ZipError, …) — both fine. Anything else it
// throws (a TypeError, a RangeError from a typed array, a broken invariant, NaN in an output) is a
// failure, and so is a case slower than the time bound. The loop never stops at the first failure: it
// counts them by kind, so the recipe can report figures like those of fuzzed audio libraries.
import fc from 'fast-check';

export interface FuzzTarget<T> {
  name: string;
  /** One line: what is fed to what. */
  what: string;
  arbitrary: fc.Arbitrary<T>;
  /** Runs one case: 'ok' or the code of a documented error; throws on anything else. */
  run(input: T): Promise<string>;
  /** Short description of an input for failure reports (never the whole input). */
  describe(input: T): string;
  /** Time bound of one case when it depends on the input (e.g. its duration); default RunOptions'. */
  timeLimitMs?(input: T): number;
  /** Releases what the target holds (models, temp folders). */
  dispose?(): Promise<void>;
}

/** A broken property (wrong shape, non-finite output, lost entry …), as opposed to a thrown error. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantError';
  }
}

export function invariant(cond: unknown, message: string): asserts cond {
  if (!cond) throw new InvariantError(message);
}

/** The documented error classes of the project, by name: they cross module (and worker) boundaries. */
export function expectedCode(err: unknown, names: readonly string[]): string | null {
  if (!(err instanceof Error) || !names.includes(err.name)) return null;
  const code = (err as Error & { code?: unknown }).code;
  return typeof code === 'string' ? `${err.name}:${code}` : err.name;
}

export interface FailureKind {
  kind: string;
  count: number;
  /** First input that showed it and its message. */
  example: string;
  message: string;
}

export interface TargetReport {
  target: string;
  what: string;
  cases: number;
  ok: number;
  /** Documented errors by code (expected outcomes of bad input). */
  expected: Record<string, number>;
  failures: number;
  kinds: FailureKind[];
  /** Wall time per case (includes waiting for a loaded machine). */
  maxMs: number;
  meanMs: number;
  /** CPU time of the process per case: what the time bound is checked against. */
  maxCpuMs?: number;
  seed: number;
  /** How these figures were obtained when not by one plain run of the current harness. */
  note?: string;
}

export interface RunOptions {
  cases: number;
  seed: number;
  /** A case using more CPU time than this is a failure of kind 'slow' (default 2000 ms). CPU time, not
   *  wall time: on a shared machine other processes stretch the wall clock, not the work a case does.
   *  A case that waits forever uses no CPU: the recipe's watchdog catches that on the wall clock. */
  timeLimitMs?: number;
  /** Called before every case (a watchdog names the case that hangs). */
  onStart?: (index: number, description: string) => void;
  /** Called after every case (progress display, watchdog heartbeat). */
  onCase?: (index: number, description: string) => void;
}

/** Failure kind: the error's class and its message with numbers and quoted text blanked, so the same
 *  bug on different inputs counts once. */
export function failureKind(err: unknown): string {
  if (!(err instanceof Error)) return `thrown non-Error: ${String(err).slice(0, 80)}`;
  const msg = err.message.replace(/"[^"]*"/g, '"…"').replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/gi, '#');
  return `${err.name}: ${msg.slice(0, 160)}`;
}

export async function runTarget<T>(target: FuzzTarget<T>, opts: RunOptions): Promise<TargetReport> {
  const limit = opts.timeLimitMs ?? 2000;
  const expected: Record<string, number> = {};
  const kinds = new Map<string, FailureKind>();
  let ok = 0;
  let failures = 0;
  let maxMs = 0;
  let maxCpuMs = 0;
  let totalMs = 0;
  let index = 0;
  const fail = (kind: string, input: T, message: string): void => {
    failures++;
    const k = kinds.get(kind);
    if (k) k.count++;
    else kinds.set(kind, { kind, count: 1, example: target.describe(input), message: message.slice(0, 500) });
  };
  // The property always holds: outcomes are recorded, so every case runs and no shrinking happens.
  // fast-check supplies the seeded, reproducible stream of inputs (and its biased edge cases).
  await fc.assert(
    fc.asyncProperty(target.arbitrary, async (input) => {
      opts.onStart?.(index, target.describe(input));
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      try {
        const outcome = await target.run(input);
        if (outcome === 'ok') ok++;
        else expected[outcome] = (expected[outcome] ?? 0) + 1;
      } catch (err) {
        fail(failureKind(err), input, err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      }
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      totalMs += ms;
      if (ms > maxMs) maxMs = ms;
      if (cpuMs > maxCpuMs) maxCpuMs = cpuMs;
      const bound = target.timeLimitMs?.(input) ?? limit;
      if (cpuMs > bound) fail('slow: over the time bound', input, `case used ${cpuMs.toFixed(0)} ms of CPU (${ms.toFixed(0)} ms wall), bound ${bound.toFixed(0)} ms`);
      opts.onCase?.(index, target.describe(input));
      index++;
      return true;
    }),
    { numRuns: opts.cases, seed: opts.seed, endOnFailure: true },
  );
  return {
    target: target.name,
    what: target.what,
    cases: index,
    ok,
    expected,
    failures,
    kinds: [...kinds.values()].sort((a, b) => b.count - a.count),
    maxMs: Math.round(maxMs * 10) / 10,
    maxCpuMs: Math.round(maxCpuMs * 10) / 10,
    meanMs: index ? Math.round((totalMs / index) * 100) / 100 : 0,
    seed: opts.seed,
  };
}

/** The report as lines for a terminal or a test's failure message. */
export function formatReport(r: TargetReport): string {
  const exp = Object.entries(r.expected)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const documented = Object.values(r.expected).reduce((a, b) => a + b, 0);
  const lines = [
    `${r.target}: ${r.cases} cases, ${r.ok} ok, ${documented} documented errors, ${r.failures} failures in ${r.kinds.length} kinds; max ${r.maxMs} ms wall (${r.maxCpuMs} ms CPU), mean ${r.meanMs} ms per case`,
  ];
  if (exp) lines.push(`  documented errors: ${exp}`);
  for (const k of r.kinds) lines.push(`  FAIL ×${k.count} ${k.kind}\n    e.g. ${k.example}\n    ${k.message}`);
  return lines.join('\n');
}

