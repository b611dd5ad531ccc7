// The sources import each other as `./x.ts` (allowImportingTsExtensions); tsc keeps those paths in the
// declarations it emits, and a consumer's TypeScript rejects or cannot resolve them. Point them at
// `./x.js`, which TypeScript maps to the emitted `./x.d.ts`.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'dist/types';
const RELATIVE_TS = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g;
let changed = 0;
for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath, entry.name);
  const text = readFileSync(file, 'utf8');
  const out = text.replace(RELATIVE_TS, '$1$2.js$3');
  if (out !== text) {
    writeFileSync(file, out);
    changed++;
  }
}
console.log(`dts-extensions: ${changed} declaration files rewritten in ${dir}`);
