// The shipped kernel bytes (lstm-kernel.wasm.ts, lstm-train-kernel.wasm.ts) are the assembly of lstm.wat
// and lstm-train.wat as committed: editing the text without rebuilding (npx tsx scripts/build-lstm-kernel.ts)
// fails here. The two modules' vector exp, sigmoid and tanh are the same text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleLstmKernel, assembleLstmTrainKernel, LSTM_TRAIN_WAT, LSTM_WAT } from '../../scripts/lstm-kernel-assemble.ts';
import { LSTM_KERNEL_WASM_BASE64 } from '../../src/model/lstm-kernel/lstm-kernel.wasm.ts';
import { LSTM_TRAIN_KERNEL_WASM_BASE64 } from '../../src/model/lstm-kernel/lstm-train-kernel.wasm.ts';

/** The text from the exp function's comment to the end of $tanh. */
function mathFunctions(path: string): string {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf('  ;; exp(x) for f32 lanes');
  const end = text.indexOf('(func $tanh');
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  return text.slice(start, text.indexOf('\n\n', end));
}

describe('lstm-kernel.wasm.ts', () => {
  it('is lstm.wat assembled', async () => {
    const built = Buffer.from(await assembleLstmKernel()).toString('base64');
    expect(LSTM_KERNEL_WASM_BASE64).toBe(built);
  });
});

describe('lstm-train-kernel.wasm.ts', () => {
  it('is lstm-train.wat assembled', async () => {
    const built = Buffer.from(await assembleLstmTrainKernel()).toString('base64');
    expect(LSTM_TRAIN_KERNEL_WASM_BASE64).toBe(built);
  });

  it('uses the inference kernel’s exp, sigmoid and tanh, character for character', () => {
    const inference = mathFunctions(LSTM_WAT);
    expect(inference).toContain('(func $sigmoid');
    expect(mathFunctions(LSTM_TRAIN_WAT)).toBe(inference);
  });
});
