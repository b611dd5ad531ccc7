import { describe, expect, it } from 'vitest';
import { progressBar } from '../../training/data/progress.ts';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = { isTTY, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

describe('progressBar', () => {
  it('logs one line per 10 % and a final line when stderr is not a TTY', () => {
    const { stream, text } = fakeStream(false);
    const bar = progressBar('features', 20, stream);
    for (let i = 0; i < 20; i++) bar.tick();
    bar.done('(20 extracted)');
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(10); // 10 %, …, 90 %, then the final line
    expect(lines[0]).toMatch(/^features 2\/20 10% /);
    expect(lines[9]).toMatch(/^features 20\/20 100% .*\(20 extracted\)$/);
    expect(text()).not.toContain('\r');
  });

  it('redraws in place with a bar on a TTY', () => {
    const { stream, text } = fakeStream(true);
    const bar = progressBar('features', 4, stream);
    for (let i = 0; i < 4; i++) bar.tick();
    bar.done();
    expect(text()).toContain('\r\x1b[K');
    expect(text()).toMatch(/\[#{24}\] 4\/4 100%/);
    expect(text().endsWith('\n')).toBe(true);
  });
});
