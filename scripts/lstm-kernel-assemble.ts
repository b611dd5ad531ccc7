// wabt (the WebAssembly Binary Toolkit, compiled to wasm) turns the kernel's text format into bytes.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import wabtInit from 'wabt';

export const LSTM_WAT = resolve(import.meta.dirname, '../src/model/lstm-kernel/lstm.wat');

export async function assembleLstmKernel(): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('lstm.wat', readFileSync(LSTM_WAT, 'utf8'), { simd: true });
  try {
    mod.validate();
    return mod.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    mod.destroy();
  }
}
