// Reusable working buffers for the feature pipeline's internal (non-escaping) arrays. A fresh large typed
// array costs its first touch of every memory page, and browsers hand large buffers back to the system at
// each GC: in Chromium here that was ~4 µs per kB, several ms per detect(). Callers must not keep a
// scratch array past their own synchronous return; each call site uses its own name so no two live
// arrays alias. Buffers above MAX_SCRATCH values are allocated fresh (nothing huge stays pinned).
const MAX_SCRATCH = 30 * 16000; // 30 s of 16 kHz audio: at most ~2 MB pinned per call site
const f32 = new Map<string, Float32Array>();
const i32 = new Map<string, Int32Array>();

function take<T extends Float32Array | Int32Array>(pool: Map<string, T>, make: (n: number) => T, name: string, n: number): T {
  if (n > MAX_SCRATCH) return make(n);
  let buf = pool.get(name);
  if (!buf || buf.length < n) pool.set(name, (buf = make(Math.min(MAX_SCRATCH, Math.max(n, buf ? buf.length * 2 : 0)))));
  return buf.subarray(0, n) as T;
}

/** A Float32Array of n values with unspecified contents, owned by call site `name`. */
export function scratchF32(name: string, n: number): Float32Array {
  return take(f32, (k) => new Float32Array(k), name, n);
}

/** An Int32Array of n values with unspecified contents, owned by call site `name`. */
export function scratchI32(name: string, n: number): Int32Array {
  return take(i32, (k) => new Int32Array(k), name, n);
}
