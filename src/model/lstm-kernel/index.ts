// The SIMD wasm LSTM recurrence (lstm.wat) behind a typed-array API. Compiled synchronously on first use
// (1.1 kB, under every browser's limit for synchronous compiles); where WebAssembly SIMD is missing the
// caller keeps its JS loop (lstmKernel() returns null).
import { LSTM_KERNEL_WASM_BASE64 } from './lstm-kernel.wasm.ts';
import { instantiateBase64 } from './instantiate.ts';

interface KernelExports {
  memory: WebAssembly.Memory;
  lstm(x: number, u: number, out: number, st: number, T: number, H: number, L: number, rev: number): void;
}

export interface LstmKernel {
  /**
   * One direction over a batch: x [B, T, 4H] (x·W + b), u [H, 4H]; returns [B, T, H] hidden states,
   * zero beyond each sequence's length. H must be a multiple of 4 (see lstmKernelFits).
   */
  run(x: Float32Array, u: Float32Array, B: number, T: number, H: number, lengths: ArrayLike<number>, reverse: boolean): Float32Array;
}

let kernel: LstmKernel | null | undefined;

/** Whether the kernel handles `units` (its gate loop takes four units per vector). */
export function lstmKernelFits(units: number): boolean {
  return units > 0 && units % 4 === 0;
}

/** The kernel, or null where this runtime cannot compile WebAssembly SIMD. */
export function lstmKernel(): LstmKernel | null {
  if (kernel !== undefined) return kernel;
  const ex = instantiateBase64<KernelExports>(LSTM_KERNEL_WASM_BASE64);
  kernel = ex ? wrap(ex) : null;
  return kernel;
}

function wrap(ex: KernelExports): LstmKernel {
  const mem = ex.memory;
  return {
    run(x, u, B, T, H, lengths, reverse) {
      const G = 4 * H;
      if (!lstmKernelFits(H)) throw new RangeError(`lstm kernel: ${H} units is not a multiple of 4`);
      if (x.length !== B * T * G || u.length !== H * G) throw new RangeError(`lstm kernel: x has ${x.length} values for [${B}, ${T}, ${G}], u ${u.length} for [${H}, ${G}]`);
      // Layout (bytes, each block a multiple of 16): u | x of one sequence | out of one sequence | h c z.
      const uB = 0;
      const xB = uB + 4 * H * G;
      const oB = xB + 4 * T * G;
      const sB = oB + 4 * T * H;
      const need = sB + 4 * (2 * H + G);
      if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
      const f = new Float32Array(mem.buffer);
      f.set(u, uB / 4);
      const out = new Float32Array(B * T * H);
      for (let b = 0; b < B; b++) {
        const L = Math.max(0, Math.min(T, lengths[b]!));
        if (L === 0) continue;
        f.set(x.subarray(b * T * G, (b * T + L) * G), xB / 4);
        ex.lstm(xB, uB, oB, sB, T, H, L, reverse ? 1 : 0);
        out.set(f.subarray(oB / 4, oB / 4 + L * H), b * T * H);
      }
      return out;
    },
  };
}
