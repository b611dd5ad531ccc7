// The shipped kernel bytes (lstm-kernel.wasm.ts) are the assembly of lstm.wat as committed: editing the
// text without rebuilding (npx tsx scripts/build-lstm-kernel.ts) fails here.
import { describe, expect, it } from 'vitest';
import { assembleLstmKernel } from '../../scripts/lstm-kernel-assemble.ts';
import { LSTM_KERNEL_WASM_BASE64 } from '../../src/model/lstm-kernel/lstm-kernel.wasm.ts';

describe('lstm-kernel.wasm.ts', () => {
  it('is lstm.wat assembled', async () => {
    const built = Buffer.from(await assembleLstmKernel()).toString('base64');
    expect(LSTM_KERNEL_WASM_BASE64).toBe(built);
  });
});
