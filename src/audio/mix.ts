// Channel downmix: the plain average, so a mono file duplicated to stereo comes back unchanged.
export function downmix(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0]!;
  const n = channels[0]?.length ?? 0;
  const out = new Float32Array(n);
  const k = channels.length;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += channels[c]![i]!;
    out[i] = s / k;
  }
  return out;
}
