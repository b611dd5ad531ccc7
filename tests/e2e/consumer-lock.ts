// A package-lock.json for a project that installs the packed msir tarball, cut from msir's own lock:
// the same versions and integrity hashes, so `npm ci --offline` can install it from the npm cache that
// the project's own `npm ci` filled (no registry traffic, no version drift).
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

interface Lock {
  name: string;
  version: string;
  lockfileVersion: number;
  requires: boolean;
  packages: Record<string, LockEntry>;
}

/** Where Node would find `name` when required from the package installed at `from` ('' = the root). */
function locate(packages: Record<string, LockEntry>, from: string, name: string): string | null {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return null;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

export interface ConsumerLockOptions {
  /** msir's package-lock.json. */
  projectLock: string;
  consumerName: string;
  /** The consumer's `dependencies` (msir → its `file:` tarball spec). */
  dependencies: Record<string, string>;
  /** The consumer's `devDependencies`: packages of msir's lock (dev ones included) it also uses. */
  devDependencies?: Record<string, string>;
  /** msir's package.json as packed (its dependencies become the tarball entry's). */
  msirManifest: { version: string; dependencies: Record<string, string>; bin?: Record<string, string>; engines?: Record<string, string>; license?: string };
}

export function consumerLock(opts: ConsumerLockOptions): Lock {
  const project = JSON.parse(readFileSync(opts.projectLock, 'utf8')) as Lock;
  const src = project.packages;
  const out: Record<string, LockEntry> = {};
  const queue: string[] = [];
  const need = (from: string, name: string, optional: boolean): void => {
    const loc = locate(src, from, name);
    if (!loc) {
      if (optional) return; // platform packages another OS would use
      throw new Error(`${name} (needed from "${from || 'root'}") is not in ${path.basename(opts.projectLock)}`);
    }
    if (out[loc]) return;
    // Flags are recomputed by npm; a stale `dev` would hide a runtime dependency from --omit=dev.
    const { dev: _d, devOptional: _do, peer: _p, ...entry } = src[loc]!;
    out[loc] = entry;
    queue.push(loc);
  };
  // msir's runtime dependencies sit at the project lock's root level; the consumer's own dev tools too.
  for (const name of Object.keys(opts.msirManifest.dependencies)) need('', name, false);
  for (const name of Object.keys(opts.devDependencies ?? {})) need('', name, false);
  while (queue.length) {
    const loc = queue.shift()!;
    const e = src[loc]!;
    for (const name of Object.keys(e.dependencies ?? {})) need(loc, name, false);
    for (const name of Object.keys(e.optionalDependencies ?? {})) need(loc, name, true);
    for (const name of Object.keys(e.peerDependencies ?? {})) need(loc, name, e.peerDependenciesMeta?.[name]?.optional === true);
  }
  const m = opts.msirManifest;
  return {
    name: opts.consumerName,
    version: '0.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: opts.consumerName, version: '0.0.0', dependencies: opts.dependencies, ...(opts.devDependencies ? { devDependencies: opts.devDependencies } : {}) },
      'node_modules/msir': {
        version: m.version,
        resolved: opts.dependencies.msir,
        ...(m.license ? { license: m.license } : {}),
        dependencies: m.dependencies,
        ...(m.bin ? { bin: m.bin } : {}),
        ...(m.engines ? { engines: m.engines } : {}),
      },
      ...Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}
