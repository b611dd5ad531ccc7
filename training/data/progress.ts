// A progress bar on stderr: redrawn in place on a TTY, a line per 10 % otherwise (CI logs stay short).
export interface Progress {
  tick(n?: number, note?: string): void;
  done(note?: string): void;
}

const fmtTime = (s: number): string => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`);

export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const start = performance.now();
  let count = 0;
  let lastDecile = 0; // non-TTY: first line at 10 %
  let lastDraw = 0;
  const line = (note?: string): string => {
    const elapsed = (performance.now() - start) / 1000;
    const rate = count / Math.max(elapsed, 1e-9);
    // no ETA from the first few items: worker start-up dominates them
    const eta = count >= Math.max(3, 0.02 * total) && count < total ? ` ETA ${fmtTime((total - count) / rate)}` : '';
    const frac = total > 0 ? count / total : 1;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = stream.isTTY ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : '';
    return `${label} ${bar}${count}/${total} ${(100 * frac).toFixed(0)}% ${fmtTime(elapsed)}${eta}${note ? ` ${note}` : ''}`;
  };
  return {
    tick(n = 1, note) {
      count += n;
      if (stream.isTTY) {
        const now = performance.now();
        if (now - lastDraw > 100 || count >= total) {
          stream.write(`\r\x1b[K${line(note)}`);
          lastDraw = now;
        }
      } else {
        const decile = Math.floor((10 * count) / Math.max(total, 1));
        if (decile > lastDecile && count < total) {
          lastDecile = decile;
          stream.write(`${line(note)}\n`);
        }
      }
    },
    done(note) {
      stream.write(stream.isTTY ? `\r\x1b[K${line(note)}\n` : `${line(note)}\n`);
    },
  };
}
