// Synchronous instantiation of a kernel module shipped as base64 (small enough for every browser's
// synchronous-compile limit); null where this runtime cannot compile it (no WebAssembly SIMD).
export function instantiateBase64<T>(base64: string): T | null {
  try {
    const bin = atob(base64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as T;
  } catch {
    return null;
  }
}
