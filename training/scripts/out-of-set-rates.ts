// How often each detector fires on clips of emotions outside the four (a corpus's test split), per corpus
// and emotion: `node --import tsx training/scripts/out-of-set-rates.ts [MODEL] [CORPUS…]` (defaults: the
// shipped default on ../shared's RAVDESS and EmoDB).
import path from 'node:path';
import { initBackend } from '../backend/index.ts';
import { loadPredictor } from '../../src/model/load.ts';
import { extractAll } from '../data/cache.ts';
import { loadCorpora, selectSplit } from '../data/corpus.ts';
import { EMOTIONS } from '../../src/model/emotions.ts';
await initBackend('auto');
const corpora = process.argv.length > 3 ? process.argv.slice(3) : ['../shared/corpora/ravdess', '../shared/corpora/emodb'];
const predictor = await loadPredictor(path.resolve(process.argv[2] ?? 'public/models/msir-default'));
const m = predictor.manifest;
const all = selectSplit(await loadCorpora(corpora), 'test');
const others = all.filter((c) => c.label === null);
const feats = await extractAll(others, { levelDb: m.features.levelDb });
const rows = new Map<string, { n: number; pos: number[]; none: number }>();
for (const c of others) {
  const f = feats.get(c.id);
  if (!f) continue;
  const p = await predictor.predict({ features: f.features });
  const key = `${c.corpus}/${c.emotion}`;
  const r = rows.get(key) ?? { n: 0, pos: [0, 0, 0, 0], none: 0 };
  r.n++;
  let any = false;
  m.emotions.forEach((e, k) => { if (p.probabilities[k]! >= m.thresholds[k]!) { r.pos[EMOTIONS.indexOf(e)]!++; any = true; } });
  if (!any) r.none++;
  rows.set(key, r);
}
console.log('clip group | n | ' + EMOTIONS.join(' | ') + ' | none');
const tot = { n: 0, pos: [0, 0, 0, 0], none: 0 };
for (const [k, r] of [...rows].sort()) {
  console.log(`${k} | ${r.n} | ${r.pos.map((x) => `${x} (${((100 * x) / r.n).toFixed(0)}%)`).join(' | ')} | ${r.none}`);
  tot.n += r.n; tot.none += r.none; r.pos.forEach((x, i) => (tot.pos[i]! += x));
}
console.log(`all | ${tot.n} | ${tot.pos.map((x) => `${x} (${((100 * x) / tot.n).toFixed(0)}%)`).join(' | ')} | ${tot.none}`);
