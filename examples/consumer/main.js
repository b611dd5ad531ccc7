// @ts-check: TypeScript (tsconfig.json) checks this file against msir's published types.
import { Detector } from 'msir';
import 'msir/widget'; // defines <msir-detector>

const result = /** @type {HTMLPreElement} */ (document.getElementById('result'));
const input = /** @type {HTMLInputElement} */ (document.getElementById('file'));

/** One detector for the page: its worker, model and speaker statistics are reused for every clip. */
const detector = Detector.create({ model: '/models/msir-default/' });

input.addEventListener('change', async () => {
  const file = input.files?.[0];
  if (!file) return;
  result.textContent = `analysing ${file.name}…`;
  try {
    const det = await detector;
    const d = await det.detectEncoded(new Uint8Array(await file.arrayBuffer()));
    result.textContent = JSON.stringify({ file: file.name, backend: det.info.backend, emotions: d.emotions }, null, 2);
  } catch (err) {
    result.textContent = `error: ${err instanceof Error ? err.message : String(err)}`;
  }
});

document.getElementById('widget')?.addEventListener('detection', (e) => {
  const top = Object.entries(e.detail.emotions).filter(([, v]) => v.positive).map(([k]) => k);
  console.log(`widget: ${e.detail.start.toFixed(1)}–${e.detail.end.toFixed(1)} s: ${top.join(', ') || 'none'}`);
});
