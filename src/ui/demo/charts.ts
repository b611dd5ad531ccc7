// Canvas views of the live session: level meter, scrolling log-Mel spectrogram, emotion lanes,
// attention heat-map. Plain 2D canvas: no framework, redrawn only when data arrives.
import { EMOTIONS, type Emotion } from '../../model/emotions.ts';
import type { Detection, LevelFrame } from '../../detector/types.ts';
import { ramp } from './colormap.ts';

function ctx2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const c = canvas.getContext('2d');
  if (!c) throw new Error('no 2D canvas context');
  return c;
}

export class LevelMeter {
  private readonly c: CanvasRenderingContext2D;
  private peak = -90;
  constructor(private readonly canvas: HTMLCanvasElement) {
    this.c = ctx2d(canvas);
  }
  draw(rmsDb: number, speech: number): void {
    const { width: w, height: h } = this.canvas;
    const c = this.c;
    const t = (Math.max(-80, Math.min(0, rmsDb)) + 80) / 80;
    this.peak = Math.max(rmsDb, this.peak - 0.5);
    c.fillStyle = '#1b1d23';
    c.fillRect(0, 0, w, h);
    c.fillStyle = rmsDb > -6 ? '#e5484d' : speech >= 0.5 ? '#46a758' : '#6e7bf2';
    c.fillRect(0, 0, w * t, h);
    const p = (Math.max(-80, Math.min(0, this.peak)) + 80) / 80;
    c.fillStyle = '#eee';
    c.fillRect(w * p - 1, 0, 2, h);
    this.canvas.dataset['db'] = rmsDb.toFixed(1);
  }
}

export class Spectrogram {
  private readonly c: CanvasRenderingContext2D;
  private lo = -12;
  private hi = 4;
  columns = 0;
  constructor(private readonly canvas: HTMLCanvasElement) {
    this.c = ctx2d(canvas);
    this.c.fillStyle = '#000';
    this.c.fillRect(0, 0, canvas.width, canvas.height);
  }
  push(frames: LevelFrame[]): void {
    const { width: w, height: h } = this.canvas;
    const n = frames.length;
    if (!n) return;
    // Scroll left by n columns, then paint the new ones at the right edge.
    this.c.drawImage(this.canvas, n, 0, w - n, h, 0, 0, w - n, h);
    const img = this.c.createImageData(n, h);
    for (let k = 0; k < n; k++) {
      const mel = frames[k]!.mel;
      for (const v of mel) {
        // Slowly adapting range so quiet rooms and loud voices both show structure.
        if (v > this.hi) this.hi = v;
        if (v < this.lo && v > -13) this.lo = v;
      }
      for (let y = 0; y < h; y++) {
        const band = Math.min(mel.length - 1, Math.floor(((h - 1 - y) / h) * mel.length));
        const [r, g, b] = ramp((mel[band]! - this.lo) / (this.hi - this.lo || 1));
        const i = (y * n + k) * 4;
        img.data[i] = r;
        img.data[i + 1] = g;
        img.data[i + 2] = b;
        img.data[i + 3] = 255;
      }
    }
    this.c.putImageData(img, w - n, 0);
    this.hi -= 0.002 * n;
    this.columns += n;
  }
}

const COLOURS: Record<Emotion, string> = { happy: '#f5b324', neutral: '#9aa0a6', sad: '#4c8df6', angry: '#e5484d' };

export class EmotionLanes {
  private readonly c: CanvasRenderingContext2D;
  private readonly items: Detection[] = [];
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly thresholds: Record<Emotion, number>,
    private readonly spanSec = 60,
  ) {
    this.c = ctx2d(canvas);
    this.draw(0);
  }
  add(d: Detection): void {
    this.items.push(d);
    while (this.items.length > 200) this.items.shift();
    this.draw(d.end);
  }
  clear(): void {
    this.items.length = 0;
    this.draw(0);
  }
  draw(now: number): void {
    const { width: w, height: h } = this.canvas;
    const c = this.c;
    const lane = h / EMOTIONS.length;
    const left = 64;
    const t0 = Math.max(0, now - this.spanSec);
    const x = (t: number): number => left + ((t - t0) / this.spanSec) * (w - left - 8);
    c.fillStyle = '#111318';
    c.fillRect(0, 0, w, h);
    c.font = '12px system-ui, sans-serif';
    EMOTIONS.forEach((e, k) => {
      const top = k * lane;
      const y = (p: number): number => top + lane - 4 - p * (lane - 8);
      c.fillStyle = '#ccc';
      c.fillText(e, 6, top + lane / 2 + 4);
      c.strokeStyle = '#2a2d35';
      c.beginPath();
      c.moveTo(left, top + lane);
      c.lineTo(w, top + lane);
      c.stroke();
      // Decision threshold.
      c.setLineDash([4, 4]);
      c.strokeStyle = '#555';
      c.beginPath();
      c.moveTo(left, y(this.thresholds[e]));
      c.lineTo(w, y(this.thresholds[e]));
      c.stroke();
      c.setLineDash([]);
      const visible = this.items.filter((d) => d.end >= t0);
      // Positive utterances get a tinted span over their duration.
      for (const d of visible) {
        if (!d.emotions[e].positive) continue;
        c.fillStyle = `${COLOURS[e]}33`;
        c.fillRect(x(Math.max(t0, d.start)), top + 2, Math.max(2, x(d.end) - x(Math.max(t0, d.start))), lane - 4);
      }
      c.strokeStyle = COLOURS[e];
      c.lineWidth = 1.5;
      c.beginPath();
      visible.forEach((d, i) => {
        const px = x(d.end);
        const py = y(d.emotions[e].probability);
        if (i === 0) c.moveTo(px, py);
        else c.lineTo(px, py);
      });
      c.stroke();
      c.lineWidth = 1;
      for (const d of visible) {
        const px = x(d.end);
        const py = y(d.emotions[e].probability);
        c.beginPath();
        c.arc(px, py, 4, 0, Math.PI * 2);
        if (d.emotions[e].positive) {
          c.fillStyle = COLOURS[e];
          c.fill();
        } else {
          c.strokeStyle = COLOURS[e];
          c.stroke();
        }
      }
    });
  }
}

export class AttentionMap {
  private readonly c: CanvasRenderingContext2D;
  constructor(private readonly canvas: HTMLCanvasElement) {
    this.c = ctx2d(canvas);
    this.c.fillStyle = '#111318';
    this.c.fillRect(0, 0, canvas.width, canvas.height);
  }
  draw(d: Detection): void {
    const { width: w, height: h } = this.canvas;
    const c = this.c;
    c.fillStyle = '#111318';
    c.fillRect(0, 0, w, h);
    const rows = (['cr', 'lld', 'w2v'] as const).filter((k) => d.attention[k] && d.attention[k]!.length > 0);
    if (!rows.length) {
      c.fillStyle = '#999';
      c.fillText('this model reports no attention weights', 8, h / 2);
      return;
    }
    const left = 40;
    const rh = (h - 16) / rows.length;
    c.font = '11px system-ui, sans-serif';
    rows.forEach((k, r) => {
      const a = d.attention[k]!;
      let max = 0;
      for (const v of a) max = Math.max(max, v);
      const cw = (w - left) / a.length;
      for (let i = 0; i < a.length; i++) {
        const [R, G, B] = ramp(max > 0 ? a[i]! / max : 0);
        c.fillStyle = `rgb(${R | 0},${G | 0},${B | 0})`;
        c.fillRect(left + i * cw, r * rh, Math.ceil(cw), rh - 2);
      }
      c.fillStyle = '#ccc';
      c.fillText(k.toUpperCase(), 4, r * rh + rh / 2 + 4);
    });
    c.fillStyle = '#999';
    c.fillText(`${d.start.toFixed(2)} s`, left, h - 3);
    const endLabel = `${d.end.toFixed(2)} s`;
    c.fillText(endLabel, w - c.measureText(endLabel).width - 2, h - 3);
  }
}
