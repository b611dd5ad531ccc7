// wabt (the WebAssembly Binary Toolkit, compiled to wasm) turns the kernels' text format into bytes.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import wabtInit from 'wabt';

export const LSTM_WAT = resolve(import.meta.dirname, '../src/model/lstm-kernel/lstm.wat');
/** Training's kernel (forward with saved activations, and the backward pass): a module of its own, so the detector's stays small. */
export const LSTM_TRAIN_WAT = resolve(import.meta.dirname, '../src/model/lstm-kernel/lstm-train.wat');

async function assemble(path: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const name = path.slice(path.lastIndexOf('/') + 1);
  const mod = wabt.parseWat(name, readFileSync(path, 'utf8'), { simd: true });
  try {
    mod.validate();
    return mod.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    mod.destroy();
  }
}

export async function assembleLstmKernel(): Promise<Uint8Array> {
  return assemble(LSTM_WAT);
}

export async function assembleLstmTrainKernel(): Promise<Uint8Array> {
  return assemble(LSTM_TRAIN_WAT);
}
