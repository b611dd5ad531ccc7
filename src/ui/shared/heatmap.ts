// Attention heat-map: one row per branch (log-Mel CR, LLD, wav2vec2), time left to right, darker =
// more weight. Each row is scaled to its own maximum: rows have different frame counts, so absolute
// weights are not comparable between them.
export interface AttentionRows {
  cr?: ArrayLike<number>;
  lld?: ArrayLike<number>;
  w2v?: ArrayLike<number>;
}

const LABELS: Record<keyof AttentionRows, string> = { cr: 'log-Mel', lld: 'LLD', w2v: 'wav2vec2' };
const LABEL_W = 64;
const ROW_H = 18;

/** Draw onto a new canvas; `durationSec` labels the time axis. */
export function attentionHeatmap(rows: AttentionRows, durationSec: number, width = 480): HTMLCanvasElement {
  const keys = (Object.keys(LABELS) as Array<keyof AttentionRows>).filter((k) => rows[k] && rows[k]!.length > 0);
  const canvas = document.createElement('canvas');
  const height = Math.max(1, keys.length) * ROW_H + 16;
  const scale = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.setAttribute('role', 'img');
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  ctx.scale(scale, scale);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const plotW = width - LABEL_W;
  const summary: string[] = [];
  keys.forEach((k, r) => {
    const a = rows[k]!;
    let max = 0;
    let argmax = 0;
    for (let i = 0; i < a.length; i++) if (a[i]! > max) [max, argmax] = [a[i]!, i];
    ctx.fillStyle = '#333';
    ctx.fillText(LABELS[k], 2, r * ROW_H + ROW_H / 2);
    const cellW = plotW / a.length;
    for (let i = 0; i < a.length; i++) {
      const v = max > 0 ? a[i]! / max : 0;
      ctx.fillStyle = `rgba(179, 38, 30, ${v.toFixed(3)})`;
      ctx.fillRect(LABEL_W + i * cellW, r * ROW_H + 1, Math.ceil(cellW), ROW_H - 2);
    }
    summary.push(`${LABELS[k]} peaks at ${(((argmax + 0.5) / a.length) * durationSec).toFixed(2)} s`);
  });
  ctx.fillStyle = '#555';
  ctx.fillText('0 s', LABEL_W, keys.length * ROW_H + 8);
  const end = `${durationSec.toFixed(2)} s`;
  ctx.fillText(end, width - ctx.measureText(end).width - 2, keys.length * ROW_H + 8);
  canvas.setAttribute('aria-label', keys.length ? `Attention over time: ${summary.join('; ')}` : 'No attention weights');
  return canvas;
}
