// `msir models fetch` against a local HTTP server in the Hugging Face hub URL layout — never the network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fetchModel } from '../../../training/commands/models.ts';
import { SslError } from '../../../src/ssl/errors.ts';
import { Wav2Vec2Encoder } from '../../../src/ssl/encoder.ts';
import { ROOT, TINY } from '../../ssl/synthesize.ts';

const REPO = 'msir-test/wav2vec2-tiny';
const COMMIT = 'c0ffee0000000000000000000000000000000001';
const FILES = ['config.json', 'preprocessor_config.json', 'onnx/model.onnx'];

interface Behaviour {
  corrupt?: string; // serve this file with one byte flipped (headers still advertise the original)
  noEtag?: boolean;
}

let server: Server;
let endpoint: string;
let scratch: string;
const behaviour: Behaviour = {};
const hits: string[] = [];

async function fixtureFile(file: string): Promise<Buffer> {
  return readFile(join(TINY, file));
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'msir-fetch-'));
  // Mimics the hub: /<repo>/resolve/<rev>/<file>; LFS files (onnx) answer with a 302 to a CDN-like path that
  // carries X-Linked-Etag (sha256) + X-Linked-Size; git files answer 200 with ETag = git blob sha1.
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.push(`${req.method} ${url.pathname}`);
    if (url.pathname.startsWith('/msir-test/old-name/')) {
      // A renamed repo: the hub redirects to the new name before any LFS metadata.
      res.writeHead(307, { location: url.pathname.replace('/old-name/', '/wav2vec2-tiny/') }).end();
      return;
    }
    const lfs = url.pathname.match(/^\/lfs\/(.+)$/);
    const m = url.pathname.match(/^\/(.+?\/.+?)\/resolve\/([^/]+)\/(.+)$/);
    const file = lfs ? decodeURIComponent(lfs[1]!) : m && m[1] === REPO && m[2] === 'main' ? m[3]! : null;
    if (!file || !FILES.includes(file)) {
      res.writeHead(404).end('Entry not found');
      return;
    }
    const body = await fixtureFile(file);
    let served = body;
    if (behaviour.corrupt === file) {
      served = Buffer.from(body);
      served[served.length >> 1] ^= 0xff;
    }
    const isLfs = file.endsWith('.onnx');
    if (!lfs && isLfs) {
      const headers: Record<string, string> = { location: `/lfs/${encodeURIComponent(file)}`, 'x-repo-commit': COMMIT };
      if (!behaviour.noEtag) {
        headers['x-linked-etag'] = `"${createHash('sha256').update(body).digest('hex')}"`;
        headers['x-linked-size'] = String(body.length);
      }
      res.writeHead(302, headers).end();
      return;
    }
    const headers: Record<string, string> = { 'content-length': String(served.length), 'x-repo-commit': COMMIT };
    if (!lfs && !behaviour.noEtag) {
      headers.etag = `"${createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex')}"`;
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : served);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  endpoint = `http://127.0.0.1:${addr.port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await rm(scratch, { recursive: true, force: true });
});

const quiet = () => undefined;

describe('msir models fetch', () => {
  it('downloads, verifies and records a wav2vec2 folder that then loads', async () => {
    behaviour.corrupt = undefined;
    behaviour.noEtag = false;
    const out = join(scratch, 'ok');
    const r = await fetchModel({ repo: REPO, revision: 'main', out, endpoint, log: quiet });
    expect(r.commit).toBe(COMMIT);
    for (const f of FILES) expect(Buffer.compare(await readFile(join(out, f)), await fixtureFile(f))).toBe(0);
    const source = JSON.parse(await readFile(join(out, 'msir-source.json'), 'utf8')) as { repo: string; commit: string };
    expect([source.repo, source.commit]).toEqual([REPO, COMMIT]);
    expect(hits).toContain(`GET /lfs/${encodeURIComponent('onnx/model.onnx')}`); // followed the LFS redirect
    const enc = await Wav2Vec2Encoder.load({ model: out });
    expect(enc.info.name).toBe(REPO);
    expect(enc.info.hiddenSize).toBe(32);
    expect(enc.info.sha256).toBe(createHash('sha256').update(await fixtureFile('onnx/model.onnx')).digest('hex'));
    await enc.dispose();
  });

  it('follows a renamed repo redirect and still verifies every file', async () => {
    behaviour.corrupt = undefined;
    behaviour.noEtag = false;
    const out = join(scratch, 'renamed');
    const r = await fetchModel({ repo: 'msir-test/old-name', revision: 'main', out, endpoint, log: quiet });
    expect(Object.keys(r.files).sort()).toEqual([...FILES].sort());
    for (const f of FILES) expect(Buffer.compare(await readFile(join(out, f)), await fixtureFile(f))).toBe(0);
  });

  for (const file of ['onnx/model.onnx', 'config.json']) {
    it(`rejects a corrupted ${file} and leaves no file behind`, async () => {
      behaviour.corrupt = file;
      behaviour.noEtag = false;
      const out = join(scratch, `corrupt-${file.replace('/', '_')}`);
      const err = await fetchModel({ repo: REPO, revision: 'main', out, endpoint, log: quiet }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SslError);
      expect((err as SslError).code).toBe('checksum-mismatch');
      expect((err as SslError).message).toMatch(new RegExp(`${file.replace('.', '\\.')}: (sha256|git-sha1) [0-9a-f]+ .*does not match`));
      expect(await stat(join(out, file)).catch(() => null)).toBeNull();
      expect(await stat(join(out, `${file}.part`)).catch(() => null)).toBeNull();
    });
  }

  it('refuses files the server gives no checksum for, and a repo that is not there', async () => {
    behaviour.corrupt = undefined;
    behaviour.noEtag = true;
    await expect(fetchModel({ repo: REPO, revision: 'main', out: join(scratch, 'noetag'), endpoint, log: quiet })).rejects.toThrow(/no sha256/);
    behaviour.noEtag = false;
    await expect(fetchModel({ repo: 'nobody/nothing', revision: 'main', out: join(scratch, 'none'), endpoint, log: quiet })).rejects.toThrow(
      /config\.json: not found \(404\)/,
    );
    await expect(fetchModel({ repo: REPO, revision: 'v9', out: join(scratch, 'none'), endpoint, log: quiet })).rejects.toThrow(/404/);
  });

  it('runs through the msir bin with HF_ENDPOINT, printing progress and the identity', async () => {
    behaviour.corrupt = undefined;
    behaviour.noEtag = false;
    const out = join(scratch, 'cli');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [resolve(ROOT, 'training/bin.mjs'), 'models', 'fetch', REPO, '--out', out], {
      cwd: ROOT,
      env: { ...process.env, HF_ENDPOINT: endpoint },
    });
    expect(stderr).toMatch(/onnx\/model\.onnx: 0\.2 MB, sha256 verified/);
    expect(stdout).toMatch(/wav2vec2 msir-test\/wav2vec2-tiny, hidden 32, onnx\/model\.onnx sha256 [0-9a-f]{64}/);
    expect((await readdir(join(out, 'onnx'))).sort()).toEqual(['model.onnx']);
  });
});

describe('msir models list', () => {
  it('lists encoder folders with their identity', async () => {
    const { run } = await import('../../../training/commands/models.ts');
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(' '));
    try {
      expect(await run(['list', '--dir', resolve(ROOT, 'tests/fixtures')])).toBe(0);
    } finally {
      console.log = log;
    }
    expect(lines).toContainEqual(expect.stringMatching(/^wav2vec2-tiny\twav2vec2 encoder wav2vec2-tiny, hidden 32, sha256 [0-9a-f]{64}$/));
    expect(lines).toContainEqual(expect.stringMatching(/^wav2vec2-tiny-ctc\twav2vec2 encoder/));
  });
});
