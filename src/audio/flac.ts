// FLAC through @audio/decode-flac 1.3.5 (libFLAC compiled to wasm, embedded in the JS: no fetch, works in
// Node and in a worker). It returns every sample (pinned by tests/audio against `soxi -s`), but it does
// not complain about cut-off files, so the STREAMINFO sample count is checked here.
import decode from '@audio/decode-flac';
import { AudioError } from './errors.ts';
import type { DecodedAudio } from './types.ts';

export function isFlac(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x66 && bytes[1] === 0x4c && bytes[2] === 0x61 && bytes[3] === 0x43; // "fLaC"
}

/** Ogg FLAC: an Ogg page whose first packet is 0x7F "FLAC" (mapping header), then native "fLaC" + STREAMINFO. */
export function oggFlacHeaderOffset(bytes: Uint8Array): number {
  if (bytes.length < 27 || bytes[0] !== 0x4f || bytes[1] !== 0x67 || bytes[2] !== 0x67 || bytes[3] !== 0x53) return -1; // "OggS"
  const packet = 27 + bytes[26]!;
  const sig = [0x7f, 0x46, 0x4c, 0x41, 0x43]; // 0x7F "FLAC"
  if (bytes.length < packet + 9) return -1;
  for (let i = 0; i < sig.length; i++) if (bytes[packet + i] !== sig[i]) return -1;
  return packet + 9; // after major/minor version and header-packet count
}

export function isOggFlac(bytes: Uint8Array): boolean {
  return oggFlacHeaderOffset(bytes) >= 0;
}

export interface FlacStreamInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** 0 when the encoder did not know it. */
  totalSamples: number;
}

/** STREAMINFO is always the first metadata block, right after the "fLaC" marker. */
export function readStreamInfo(bytes: Uint8Array): FlacStreamInfo {
  if (!isFlac(bytes)) throw new AudioError('unsupported-format', 'not a FLAC file');
  if (bytes.length < 8 + 34) throw new AudioError('truncated', `FLAC file of ${bytes.length} bytes ends inside STREAMINFO`);
  if ((bytes[4]! & 0x7f) !== 0) throw new AudioError('decode-failed', 'FLAC file does not start with a STREAMINFO block');
  const s = 8; // block body
  const sampleRate = (bytes[s + 10]! << 12) | (bytes[s + 11]! << 4) | (bytes[s + 12]! >> 4);
  const channels = ((bytes[s + 12]! >> 1) & 0x7) + 1;
  const bitsPerSample = (((bytes[s + 12]! & 1) << 4) | (bytes[s + 13]! >> 4)) + 1;
  const totalSamples =
    (bytes[s + 13]! & 0x0f) * 2 ** 32 + ((bytes[s + 14]! << 24) >>> 0) + (bytes[s + 15]! << 16) + (bytes[s + 16]! << 8) + bytes[s + 17]!;
  return { sampleRate, channels, bitsPerSample, totalSamples };
}

/** Native or Ogg FLAC. */
export async function decodeFlac(bytes: Uint8Array): Promise<DecodedAudio> {
  const ogg = oggFlacHeaderOffset(bytes);
  const info = readStreamInfo(ogg >= 0 ? bytes.subarray(ogg) : bytes);
  if (!(info.sampleRate > 0)) throw new AudioError('bad-sample-rate', `FLAC STREAMINFO declares a sample rate of ${info.sampleRate} Hz`);
  let decoded: { channelData: Float32Array[]; sampleRate: number; errors?: Array<{ message?: string }> };
  try {
    decoded = await decode(bytes);
  } catch (err) {
    throw new AudioError('decode-failed', `FLAC decoder failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  // The package reports frame errors (bad CRC, lost sync) here instead of throwing.
  const firstError = decoded.errors?.[0];
  if (firstError) throw new AudioError('decode-failed', `FLAC decoder error: ${firstError.message ?? JSON.stringify(firstError)}`);
  const channels = decoded.channelData;
  const got = channels[0]?.length ?? 0;
  if (info.totalSamples > 0 && got < info.totalSamples) {
    // libFLAC stops quietly both at a cut-off end and at unreadable frames, so the message names both.
    throw new AudioError(
      'truncated',
      `FLAC file declares ${info.totalSamples} samples but only ${got} could be decoded (file cut off or corrupt)`,
    );
  }
  if (channels.length === 0 || got === 0) throw new AudioError('empty', 'FLAC file holds no samples');
  // Trust STREAMINFO over trailing garbage the decoder may have taken for extra frames.
  const trimmed = info.totalSamples > 0 && got > info.totalSamples ? channels.map((c) => c.subarray(0, info.totalSamples)) : channels;
  return { channels: trimmed.map((c) => rescale(c, info.bitsPerSample)), sampleRate: decoded.sampleRate || info.sampleRate };
}

/**
 * The decoder divides by 2^(b−1)−1 (e.g. int16/32767); the audio seam and WAV use 2^(b−1) (int16/32768,
 * like Web Audio). Up to 16 bits the integer is recovered exactly; above, float32 cannot hold it, so scale.
 */
function rescale(x: Float32Array, bits: number): Float32Array {
  const full = 2 ** (bits - 1);
  const max = full - 1;
  if (bits <= 16) for (let i = 0; i < x.length; i++) x[i] = Math.round(x[i]! * max) / full;
  else for (let i = 0; i < x.length; i++) x[i] = (x[i]! * max) / full;
  return x;
}
