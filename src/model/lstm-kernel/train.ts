// Training's SIMD wasm LSTM (lstm-train.wat) behind a typed-array API. The forward pass keeps what the
// backward needs (gates, c, tanh c, h: 7H floats a frame) in the kernel's own memory, in a region that
// belongs to that one op: several LSTM ops (directions, branches) are alive between a forward pass and
// its backward. The backward pass frees the region; a forward pass whose backward never runs (no gradient
// tape) frees it when its handle is garbage-collected. No large JS arrays are allocated per step: inputs are
// copied into the region, outputs read out of it by the caller.
import { LSTM_TRAIN_KERNEL_WASM_BASE64 } from './lstm-train-kernel.wasm.ts';
import { lstmKernelFits } from './index.ts';
import { instantiateBase64 } from './instantiate.ts';

interface TrainExports {
  memory: WebAssembly.Memory;
  lstm_fwd(g: number, u: number, cl: number, tc: number, hs: number, H: number, L: number, rev: number): void;
  lstm_bwd(g: number, u: number, cl: number, tc: number, hs: number, dy: number, du: number, st: number, H: number, L: number, rev: number): void;
}

/** The saved state of one forward pass (one op instance). */
export interface LstmTrainPass {
  readonly B: number;
  readonly T: number;
  readonly H: number;
  /** Writes the hidden states [B, T, H] into `out`, zero past each sequence's length. */
  readOutput(out: Float32Array): void;
  /** The backward pass for output gradient `dy` [B, T, H] (copied in first; it may be a view that the caller's next allocation detaches). */
  backward(dy: Float32Array): void;
  /** After backward: dX [B, T, 4H] (zero past each length) into `dx`, dU [H, 4H] into `du`; then frees the region. */
  readGrads(dx: Float32Array, du: Float32Array): void;
  /** Frees the region (idempotent); the pass cannot be used after. */
  release(): void;
}

export interface LstmTrainKernel {
  /** One direction over a batch: x [B, T, 4H] (x·W + b), u [H, 4H]; H a multiple of 4 (lstmKernelFits). */
  forward(x: Float32Array, u: Float32Array, B: number, T: number, H: number, lengths: Int32Array, reverse: boolean): LstmTrainPass;
  /** Bytes of kernel memory now held by passes and scratch (for tests: 0 once every pass is released). */
  heldBytes(): number;
}

let kernel: LstmTrainKernel | null | undefined;

/** The kernel, or null where this runtime cannot compile WebAssembly SIMD. */
export function lstmTrainKernel(): LstmTrainKernel | null {
  if (kernel !== undefined) return kernel;
  const ex = instantiateBase64<TrainExports>(LSTM_TRAIN_KERNEL_WASM_BASE64);
  kernel = ex ? wrap(ex) : null;
  return kernel;
}

/**
 * First-fit allocator over the module's memory (16-byte aligned blocks; freed neighbours merge; the top
 * comes down when its last block is freed). Memory only grows, to the peak of what is held at once.
 */
class Heap {
  private top = 0;
  private free: { off: number; size: number }[] = [];
  held = 0;
  constructor(private readonly mem: WebAssembly.Memory) {}

  alloc(bytes: number): number {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    this.held += size;
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]!;
      if (b.size < size) continue;
      const off = b.off;
      if (b.size === size) this.free.splice(i, 1);
      else {
        b.off += size;
        b.size -= size;
      }
      return off;
    }
    const off = this.top;
    this.top += size;
    if (this.mem.buffer.byteLength < this.top) this.mem.grow(Math.ceil((this.top - this.mem.buffer.byteLength) / 65536));
    return off;
  }

  release(off: number, bytes: number): void {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    this.held -= size;
    let i = 0;
    while (i < this.free.length && this.free[i]!.off < off) i++;
    this.free.splice(i, 0, { off, size });
    // merge with the next block, then with the previous one
    const next = this.free[i + 1];
    if (next && off + size === next.off) {
      this.free[i]!.size += next.size;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.off + prev.size === off) {
      prev.size += this.free[i]!.size;
      this.free.splice(i, 1);
      i--;
    }
    const last = this.free[this.free.length - 1];
    if (last && last.off + last.size === this.top) {
      this.top = last.off;
      this.free.pop();
    }
  }
}

function wrap(ex: TrainExports): LstmTrainKernel {
  const mem = ex.memory;
  const heap = new Heap(mem);
  const f32 = (): Float32Array => new Float32Array(mem.buffer); // fresh view: growth detaches old ones
  // A pass's region, freed when the pass is collected without having been released.
  const orphans = new FinalizationRegistry<{ off: number; bytes: number; live: boolean }>((r) => {
    if (r.live) {
      r.live = false;
      heap.release(r.off, r.bytes);
    }
  });

  return {
    heldBytes: () => heap.held,
    forward(x, u, B, T, H, lengths, reverse) {
      const G = 4 * H;
      if (!lstmKernelFits(H)) throw new RangeError(`lstm train kernel: ${H} units is not a multiple of 4`);
      if (x.length !== B * T * G || u.length !== H * G || lengths.length !== B) {
        throw new RangeError(`lstm train kernel: x has ${x.length} values for [${B}, ${T}, ${G}], u ${u.length} for [${H}, ${G}], ${lengths.length} lengths`);
      }
      const lens = Int32Array.from(lengths, (l) => Math.max(0, Math.min(T, l)));
      // Region (bytes): u [H·G] | g [B·T·G] | cl, tc, hs [B·T·H] each | du [H·G] | st [2H] (du and st: backward)
      const uB = 0;
      const gB = uB + 4 * H * G;
      const clB = gB + 4 * B * T * G;
      const tcB = clB + 4 * B * T * H;
      const hsB = tcB + 4 * B * T * H;
      const duB = hsB + 4 * B * T * H;
      const stB = duB + 4 * H * G;
      const bytes = stB + 4 * 2 * H;
      const region = { off: heap.alloc(bytes), bytes, live: true };
      const base = region.off;
      let f = f32();
      f.set(u, (base + uB) / 4);
      f.set(x, (base + gB) / 4);
      for (let b = 0; b < B; b++) {
        const L = lens[b]!;
        if (L === 0) continue;
        ex.lstm_fwd(base + gB + 4 * b * T * G, base + uB, base + clB + 4 * b * T * H, base + tcB + 4 * b * T * H, base + hsB + 4 * b * T * H, H, L, reverse ? 1 : 0);
      }
      let dyB = -1;
      const dyBytes = 4 * B * T * H;
      const pass: LstmTrainPass = {
        B,
        T,
        H,
        readOutput(out) {
          if (!region.live) throw new Error('lstm train kernel: pass already released');
          f = f32();
          const hs = (base + hsB) / 4;
          for (let b = 0; b < B; b++) {
            const L = lens[b]!;
            const o = b * T * H;
            out.set(f.subarray(hs + o, hs + o + L * H), o);
            out.fill(0, o + L * H, o + T * H);
          }
        },
        backward(dy) {
          if (!region.live) throw new Error('lstm train kernel: pass already released (backward runs once)');
          if (dy.length !== B * T * H) throw new RangeError(`lstm train kernel: dy has ${dy.length} values for [${B}, ${T}, ${H}]`);
          if (dyB >= 0) heap.release(dyB, dyBytes);
          dyB = heap.alloc(dyBytes);
          f = f32();
          f.set(dy, dyB / 4);
          f.fill(0, (base + duB) / 4, (base + duB) / 4 + H * G);
          for (let b = 0; b < B; b++) {
            const L = lens[b]!;
            if (L === 0) continue;
            const ho = 4 * b * T * H;
            ex.lstm_bwd(base + gB + 4 * b * T * G, base + uB, base + clB + ho, base + tcB + ho, base + hsB + ho, dyB + ho, base + duB, base + stB, H, L, reverse ? 1 : 0);
          }
          heap.release(dyB, dyBytes);
          dyB = -1;
        },
        readGrads(dx, du) {
          if (!region.live) throw new Error('lstm train kernel: pass already released');
          f = f32();
          const g = (base + gB) / 4;
          for (let b = 0; b < B; b++) {
            const L = lens[b]!;
            const o = b * T * G;
            dx.set(f.subarray(g + o, g + o + L * G), o);
            dx.fill(0, o + L * G, o + T * G);
          }
          du.set(f.subarray((base + duB) / 4, (base + duB) / 4 + H * G));
          pass.release();
        },
        release() {
          if (!region.live) return;
          region.live = false;
          orphans.unregister(pass);
          heap.release(region.off, region.bytes);
        },
      };
      orphans.register(pass, region, pass);
      return pass;
    },
  };
}
