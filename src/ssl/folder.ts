// A model folder, read the same way whether it is a local directory (Node) or a same-origin URL (browser).
import { SslError } from './errors.ts';

export interface ModelFolder {
  /** Parent directory / URL path, with a trailing slash: transformers.js's env.localModelPath. */
  readonly parent: string;
  /** Last path segment: the model id handed to transformers.js. */
  readonly id: string;
  readonly location: string;
  has(file: string): Promise<boolean>;
  readBytes(file: string): Promise<Uint8Array>;
}

function split(location: string): { parent: string; id: string } {
  const trimmed = location.replace(/\/+$/, '');
  const cut = trimmed.lastIndexOf('/');
  const id = trimmed.slice(cut + 1);
  if (!id || id === '.' || id === '..') throw new SslError('model-missing', `wav2vec2: "${location}" does not name a model folder`);
  return { parent: cut >= 0 ? trimmed.slice(0, cut + 1) : './', id };
}

export async function openNodeFolder(dir: string): Promise<ModelFolder> {
  const { resolve } = await import('node:path');
  const { readFile, stat } = await import('node:fs/promises');
  const abs = resolve(dir);
  const info = await stat(abs).catch(() => null);
  if (!info?.isDirectory()) throw new SslError('model-missing', `wav2vec2: model folder "${abs}" does not exist (see docs/wav2vec2.md to bring weights)`);
  const { parent, id } = split(abs);
  return {
    parent,
    id,
    location: abs,
    has: async (file) => (await stat(resolve(abs, file)).catch(() => null))?.isFile() ?? false,
    readBytes: async (file) => {
      try {
        return new Uint8Array(await readFile(resolve(abs, file)));
      } catch {
        throw new SslError('model-missing', `wav2vec2: cannot read ${file} in model folder "${abs}"`);
      }
    },
  };
}

/** `url` may be relative to the page; it must be same-origin (remote loading is disabled). */
export function openUrlFolder(url: string): ModelFolder {
  const absolute = new URL(url.replace(/\/*$/, '/'), globalThis.location?.href);
  if (globalThis.location && absolute.origin !== globalThis.location.origin) {
    throw new SslError('model-missing', `wav2vec2: model URL ${absolute.href} is not same-origin; remote loading is disabled`);
  }
  const { parent, id } = split(absolute.pathname);
  const fileUrl = (file: string) => new URL(file, absolute).href;
  // Dev servers answer unknown paths with the SPA's index.html (200, text/html): that is "missing" too.
  const isModelFile = (res: Response) => res.ok && !(res.headers.get('content-type') ?? '').includes('text/html');
  return {
    parent,
    id,
    location: absolute.href,
    has: async (file) => {
      const res = await fetch(fileUrl(file), { method: 'HEAD' }).catch(() => null);
      return res !== null && isModelFile(res);
    },
    readBytes: async (file) => {
      const res = await fetch(fileUrl(file)).catch(() => null);
      if (!res || !isModelFile(res)) {
        throw new SslError('model-missing', `wav2vec2: ${fileUrl(file)} is missing (HTTP ${res?.status ?? 'error'}); see docs/wav2vec2.md to bring weights`);
      }
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

export async function readJson(folder: ModelFolder, file: string): Promise<Record<string, unknown>> {
  const bytes = await folder.readBytes(file);
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new SslError('model-missing', `wav2vec2: ${file} in "${folder.location}" is not a JSON object`);
}
