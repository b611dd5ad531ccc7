// Which model the demo runs: the three-branch (CR+LLD+wav2vec2) model when both it and a wav2vec2 folder
// are served, else the default model (whatever its branches, without wav2vec2) — with a message saying why.
import type { Wav2Vec2Options } from '../../detector/types.ts';

export interface ModelChoice {
  model: string;
  wav2vec2: Wav2Vec2Options | false;
  /** Shown to the user when the three-branch model was wanted but cannot run. */
  fallback?: string;
}

export const DEFAULT_MODEL = '/models/msir-default/';
export const W2V_MODEL = '/models/msir-w2v/';

async function exists(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { method: 'GET', cache: 'no-store' });
    // Vite's SPA fallback answers unknown paths with index.html; only JSON counts.
    return r.ok && !(r.headers.get('content-type') ?? '').includes('text/html');
  } catch {
    return false;
  }
}

export async function chooseModel(params: URLSearchParams): Promise<ModelChoice> {
  const explicit = params.get('model');
  const w2vParam = params.get('w2v');
  if (explicit) return { model: explicit, wav2vec2: w2vParam ? { model: w2vParam } : false };
  if (params.get('w2v') === 'off') return { model: DEFAULT_MODEL, wav2vec2: false };
  if (!(await exists(`${W2V_MODEL}manifest.json`))) {
    return { model: DEFAULT_MODEL, wav2vec2: false, fallback: 'No three-branch model is served: using the default model (without wav2vec2).' };
  }
  const manifest = (await (await fetch(`${W2V_MODEL}manifest.json`)).json()) as { encoder?: { name?: string } | null };
  const name = manifest.encoder?.name?.split('/').pop();
  const candidates = [w2vParam, '/models/wav2vec2/', name ? `/models/${name}/` : null].filter((c): c is string => !!c);
  for (const c of candidates) {
    const folder = c.endsWith('/') ? c : `${c}/`;
    if (await exists(`${folder}config.json`)) return { model: W2V_MODEL, wav2vec2: { model: folder } };
  }
  return {
    model: DEFAULT_MODEL,
    wav2vec2: false,
    fallback: `No wav2vec2 folder found (looked for ${candidates.map((c) => `${c}config.json`).join(', ')}): using the default model (without wav2vec2).`,
  };
}
