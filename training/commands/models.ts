// msir models fetch <hub-repo> [--revision R] [--out DIR] [--endpoint URL]
// msir models list [--dir public/models]
// Downloads a transformers.js wav2vec2 folder (config.json, preprocessor_config.json, onnx/model*.onnx) from a
// Hugging Face hub layout (<endpoint>/<repo>/resolve/<revision>/<file>), verifying every file: LFS files
// against the sha256 the hub sends as X-Linked-Etag, small git files against their git blob sha1 (ETag).
import { parseArgs } from 'node:util';
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { stderr } from 'node:process';
import { SslError } from '../../src/ssl/errors.ts';
import { encoderIdentity } from '../../src/ssl/identity-node.ts';
import { parseCommand } from './cli-args.ts';

const REQUIRED = ['config.json', 'preprocessor_config.json', 'onnx/model.onnx'];
const OPTIONAL = ['onnx/model_fp16.onnx', 'onnx/model_quantized.onnx'];
export const DEFAULT_ENDPOINT = 'https://huggingface.co';

const usage = `usage: msir models fetch <hub-repo> [--revision main] [--out public/models/<name>] [--endpoint URL]
       msir models list [--dir public/models]

fetch downloads a wav2vec2 ONNX folder in the transformers.js layout (see docs/wav2vec2.md) and verifies
each file's checksum. --endpoint (or $HF_ENDPOINT) replaces ${DEFAULT_ENDPOINT}.`;

export interface FetchOptions {
  repo: string;
  revision: string;
  out: string;
  endpoint: string;
  log?: (line: string) => void;
}

interface Expected {
  algo: 'sha256' | 'git-sha1';
  hex: string;
  size: number | null;
  commit: string | null;
}

function unquote(etag: string | null): string | null {
  if (!etag) return null;
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
}

function fileUrl(o: FetchOptions, file: string): string {
  const repo = o.repo.split('/').map(encodeURIComponent).join('/');
  return `${o.endpoint.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(o.revision)}/${file}`;
}

/** HEAD without following redirects: the hub puts LFS metadata on the 302 it answers for big files. */
async function expectedChecksum(o: FetchOptions, file: string): Promise<Expected | null> {
  let url = fileUrl(o, file);
  let res: Response;
  for (let hop = 0; ; hop++) {
    try {
      res = await fetch(url, { method: 'HEAD', redirect: 'manual' });
    } catch (err) {
      throw new SslError('download-failed', `cannot reach ${url}: ${err instanceof Error ? err.message : String(err)}`);
    }
    // A renamed repo answers with a plain redirect (no LFS metadata): follow it to the real resolve URL.
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && !res.headers.get('x-linked-etag') && location && hop < 5) {
      url = new URL(location, url).href;
      continue;
    }
    break;
  }
  if (res.status === 404) return null;
  if (res.status === 401 || res.status === 403) {
    throw new SslError('download-failed', `${url}: HTTP ${res.status} (gated or private repo? set up access first)`);
  }
  if (!(res.ok || (res.status >= 300 && res.status < 400))) throw new SslError('download-failed', `${url}: HTTP ${res.status}`);
  const commit = res.headers.get('x-repo-commit');
  const linked = unquote(res.headers.get('x-linked-etag'));
  const linkedSize = res.headers.get('x-linked-size');
  if (linked && /^[0-9a-f]{64}$/.test(linked)) return { algo: 'sha256', hex: linked, size: linkedSize ? Number(linkedSize) : null, commit };
  const etag = unquote(res.headers.get('etag'));
  const length = res.headers.get('content-length');
  if (etag && /^[0-9a-f]{64}$/.test(etag)) return { algo: 'sha256', hex: etag, size: length ? Number(length) : null, commit };
  if (etag && /^[0-9a-f]{40}$/.test(etag)) return { algo: 'git-sha1', hex: etag, size: length ? Number(length) : null, commit };
  throw new SslError('checksum-mismatch', `${url}: the server sent no sha256 (X-Linked-Etag) or git blob ETag; refusing an unverifiable file`);
}

function formatMb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

async function download(o: FetchOptions, file: string, expected: Expected, log: (l: string) => void): Promise<{ sha256: string; size: number }> {
  const url = fileUrl(o, file);
  const res = await fetch(url, { redirect: 'follow' }).catch((err: unknown) => {
    throw new SslError('download-failed', `cannot reach ${url}: ${err instanceof Error ? err.message : String(err)}`);
  });
  if (!res.ok || !res.body) throw new SslError('download-failed', `${url}: HTTP ${res.status}`);
  const total = expected.size ?? (Number(res.headers.get('content-length')) || null);
  const target = resolve(o.out, file);
  const part = `${target}.part`;
  await mkdir(dirname(target), { recursive: true });
  const sha256 = createHash('sha256');
  // A git blob id is sha1("blob <size>\0" + content): needs the size up front.
  let gitSha1: Hash | null = null;
  if (expected.algo === 'git-sha1') {
    if (total === null) throw new SslError('checksum-mismatch', `${url}: no Content-Length, cannot check its git blob id`);
    gitSha1 = createHash('sha1').update(`blob ${total}\0`);
  }
  const sink = createWriteStream(part);
  let received = 0;
  let lastReport = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      sha256.update(chunk);
      gitSha1?.update(chunk);
      received += chunk.length;
      if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
      const now = Date.now();
      if (now - lastReport > 1000) {
        lastReport = now;
        log(`  ${file}: ${formatMb(received)}${total ? ` / ${formatMb(total)} MB (${((100 * received) / total).toFixed(0)}%)` : ' MB'}`);
      }
    }
    await new Promise<void>((r, j) => sink.end((err?: Error | null) => (err ? j(err) : r())));
  } catch (err) {
    sink.destroy();
    await rm(part, { force: true });
    throw err instanceof SslError ? err : new SslError('download-failed', `${url}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const sha256Hex = sha256.digest('hex');
  const actual = expected.algo === 'sha256' ? sha256Hex : gitSha1!.digest('hex');
  if (actual !== expected.hex || (total !== null && received !== total)) {
    await rm(part, { force: true });
    throw new SslError(
      'checksum-mismatch',
      `${file}: ${expected.algo} ${actual} (${received} bytes) does not match the hub's ${expected.hex}${total !== null ? ` (${total} bytes)` : ''}; the file was discarded`,
    );
  }
  await rename(part, target);
  log(`  ${file}: ${formatMb(received)} MB, ${expected.algo} verified`);
  return { sha256: sha256Hex, size: received };
}

export async function fetchModel(o: FetchOptions): Promise<{ dir: string; files: Record<string, { sha256: string; size: number }>; commit: string | null }> {
  const log = o.log ?? ((l: string) => stderr.write(l + '\n'));
  const plan: Array<[string, Expected]> = [];
  let commit: string | null = null;
  for (const file of [...REQUIRED, ...OPTIONAL]) {
    const expected = await expectedChecksum(o, file);
    if (!expected) {
      if (REQUIRED.includes(file)) {
        throw new SslError(
          'download-failed',
          `${fileUrl(o, file)}: not found (404). ${o.repo}@${o.revision} is not a transformers.js wav2vec2 ONNX folder; see docs/wav2vec2.md to export one`,
        );
      }
      continue;
    }
    commit ??= expected.commit;
    plan.push([file, expected]);
  }
  log(`fetching ${o.repo}@${o.revision}${commit ? ` (commit ${commit})` : ''} into ${o.out}`);
  const files: Record<string, { sha256: string; size: number }> = {};
  for (const [file, expected] of plan) files[file] = await download(o, file, expected, log);

  const config = JSON.parse(await readFile(resolve(o.out, 'config.json'), 'utf8')) as { model_type?: unknown };
  if (config.model_type !== 'wav2vec2') {
    throw new SslError('not-wav2vec2', `${o.repo}: config.json has model_type "${String(config.model_type)}", not "wav2vec2"`);
  }
  await writeFile(
    resolve(o.out, 'msir-source.json'),
    JSON.stringify({ repo: o.repo, revision: o.revision, commit, endpoint: o.endpoint, fetchedAt: new Date().toISOString(), files }, null, 2) + '\n',
  );
  return { dir: resolve(o.out), files, commit };
}

async function list(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries.filter((x) => x.isDirectory())) {
    const folder = join(dir, e.name);
    if ((await stat(join(folder, 'manifest.json')).catch(() => null))?.isFile()) {
      console.log(`${e.name}\temotion model (manifest.json)`);
    } else if ((await stat(join(folder, 'onnx/model.onnx')).catch(() => null))?.isFile()) {
      try {
        const id = await encoderIdentity(folder);
        console.log(`${e.name}\twav2vec2 encoder ${id.name}, hidden ${id.hiddenSize}, sha256 ${id.sha256}`);
      } catch (err) {
        console.log(`${e.name}\tunusable: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    const { values } = parseArgs({ args: rest, options: { dir: { type: 'string', default: 'public/models' } } });
    return list(resolve(values.dir));
  }
  if (sub !== 'fetch') {
    console.log(usage);
    return sub === '--help' || sub === '-h' ? 0 : 2;
  }
  const parsed = parseCommand('models fetch', usage, {
    args: rest,
    allowPositionals: true,
    options: {
      revision: { type: 'string', default: 'main' },
      out: { type: 'string' },
      endpoint: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const repo = positionals[0];
  if (!repo || positionals.length > 1 || !/^[\w.-]+(\/[\w.-]+)?$/.test(repo)) {
    stderr.write(`msir models fetch: give one hub repo like facebook/wav2vec2-base-960h\n\n${usage}\n`);
    return 2;
  }
  const out = resolve(values.out ?? join('public/models', repo.split('/').pop()!));
  try {
    const r = await fetchModel({ repo, revision: values.revision, out, endpoint: values.endpoint ?? process.env.HF_ENDPOINT ?? DEFAULT_ENDPOINT });
    const id = await encoderIdentity(r.dir);
    console.log(`${r.dir}: wav2vec2 ${id.name}, hidden ${id.hiddenSize}, onnx/model.onnx sha256 ${id.sha256}`);
    return 0;
  } catch (err) {
    stderr.write(`msir models fetch: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
