// RIFF/WAVE decoding: PCM 8/16/24/32-bit integer, IEEE float 32/64, WAVE_FORMAT_EXTENSIBLE.
// No maintained npm WAV decoder handles every one of these with typed errors, so this is a small,
// careful parser: chunks are walked by their declared sizes, nothing is read past the end.
import { AudioError } from './errors.ts';
import type { DecodedAudio } from './types.ts';

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_EXTENSIBLE = 0xfffe;

function fourcc(v: DataView, at: number): string {
  return String.fromCharCode(v.getUint8(at), v.getUint8(at + 1), v.getUint8(at + 2), v.getUint8(at + 3));
}

export function isWav(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return fourcc(v, 0) === 'RIFF' && fourcc(v, 8) === 'WAVE';
}

interface WavFormat {
  format: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

function readFormat(v: DataView, at: number, size: number): WavFormat {
  if (size < 16) throw new AudioError('decode-failed', `WAV fmt chunk is ${size} bytes, need at least 16`);
  let format = v.getUint16(at, true);
  const channels = v.getUint16(at + 2, true);
  const sampleRate = v.getUint32(at + 4, true);
  const blockAlign = v.getUint16(at + 12, true);
  const bitsPerSample = v.getUint16(at + 14, true);
  if (format === FORMAT_EXTENSIBLE) {
    // cbSize(2) validBits(2) channelMask(4) then the sub-format GUID whose first 2 bytes are the format tag.
    if (size < 40) throw new AudioError('decode-failed', `WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes, need 40`);
    format = v.getUint16(at + 24, true);
  }
  return { format, channels, sampleRate, blockAlign, bitsPerSample };
}

/** Decode a RIFF/WAVE file to planar float channels in [−1, 1). */
export function decodeWav(bytes: Uint8Array): DecodedAudio {
  if (!isWav(bytes)) throw new AudioError('unsupported-format', 'not a RIFF/WAVE file');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: WavFormat | null = null;
  let dataAt = -1;
  let dataSize = 0;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = fourcc(v, at);
    let size = v.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (body + size > bytes.length) throw new AudioError('truncated', 'WAV fmt chunk runs past the end of the file');
      fmt = readFormat(v, body, size);
    } else if (id === 'data') {
      // Streaming writers leave 0xFFFFFFFF (or 0) when they could not seek back: take the rest of the file.
      if (size === 0xffffffff || (size === 0 && body < bytes.length)) size = bytes.length - body;
      if (body + size > bytes.length) {
        throw new AudioError(
          'truncated',
          `WAV data chunk declares ${size} bytes but only ${bytes.length - body} are present`,
        );
      }
      dataAt = body;
      dataSize = size;
      break;
    }
    at = body + size + (size & 1); // chunks are word-aligned
  }
  if (!fmt) throw new AudioError(bytes.length < 44 ? 'truncated' : 'decode-failed', 'WAV file has no fmt chunk');
  if (dataAt < 0) throw new AudioError('truncated', 'WAV file has no data chunk');
  const { format, channels, sampleRate, bitsPerSample } = fmt;
  if (channels < 1) throw new AudioError('decode-failed', `WAV declares ${channels} channels`);
  if (!(sampleRate > 0)) throw new AudioError('bad-sample-rate', `WAV declares a sample rate of ${sampleRate} Hz`);
  const bytesPerSample = bitsPerSample / 8;
  const valid =
    (format === FORMAT_PCM && [8, 16, 24, 32].includes(bitsPerSample)) ||
    (format === FORMAT_FLOAT && (bitsPerSample === 32 || bitsPerSample === 64));
  if (!valid) {
    throw new AudioError(
      'unsupported-format',
      `WAV format tag 0x${format.toString(16)} with ${bitsPerSample} bits per sample is not supported (PCM 8/16/24/32-bit or float 32/64-bit)`,
    );
  }
  const frameBytes = bytesPerSample * channels;
  if (dataSize % frameBytes !== 0) {
    throw new AudioError('truncated', `WAV data (${dataSize} bytes) ends inside a sample frame of ${frameBytes} bytes`);
  }
  const frames = dataSize / frameBytes;
  const out: Float32Array[] = [];
  for (let c = 0; c < channels; c++) out.push(new Float32Array(frames));
  const read = sampleReader(v, format, bitsPerSample);
  for (let i = 0, p = dataAt; i < frames; i++) {
    for (let c = 0; c < channels; c++, p += bytesPerSample) out[c]![i] = read(p);
  }
  return { channels: out, sampleRate };
}

function sampleReader(v: DataView, format: number, bits: number): (at: number) => number {
  if (format === FORMAT_FLOAT) return bits === 32 ? (p) => v.getFloat32(p, true) : (p) => v.getFloat64(p, true);
  switch (bits) {
    case 8:
      return (p) => (v.getUint8(p) - 128) / 128; // 8-bit WAV is unsigned, offset 128
    case 16:
      return (p) => v.getInt16(p, true) / 32768;
    case 24:
      return (p) => ((v.getInt8(p + 2) << 16) | (v.getUint8(p + 1) << 8) | v.getUint8(p)) / 8388608;
    default:
      return (p) => v.getInt32(p, true) / 2147483648;
  }
}

export interface WavWriteOptions {
  sampleRate: number;
  /** 'int' (PCM) or 'float' (IEEE). */
  encoding: 'int' | 'float';
  bitsPerSample: 8 | 16 | 24 | 32 | 64;
  /** Write WAVE_FORMAT_EXTENSIBLE instead of the plain tag. */
  extensible?: boolean;
}

/** Encode planar channels as a WAV file (used by tests and the CLI's round trips). */
export function encodeWav(channels: Float32Array[], opts: WavWriteOptions): Uint8Array {
  const nch = channels.length;
  const frames = channels[0]?.length ?? 0;
  const bps = opts.bitsPerSample / 8;
  const fmtSize = opts.extensible ? 40 : 16;
  const dataSize = frames * nch * bps;
  const buf = new Uint8Array(12 + 8 + fmtSize + 8 + dataSize);
  const v = new DataView(buf.buffer);
  const put = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) v.setUint8(at + i, s.charCodeAt(i));
  };
  const tag = opts.encoding === 'float' ? FORMAT_FLOAT : FORMAT_PCM;
  put(0, 'RIFF');
  v.setUint32(4, buf.length - 8, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, opts.extensible ? FORMAT_EXTENSIBLE : tag, true);
  v.setUint16(22, nch, true);
  v.setUint32(24, opts.sampleRate, true);
  v.setUint32(28, opts.sampleRate * nch * bps, true);
  v.setUint16(32, nch * bps, true);
  v.setUint16(34, opts.bitsPerSample, true);
  if (opts.extensible) {
    v.setUint16(36, 22, true);
    v.setUint16(38, opts.bitsPerSample, true);
    v.setUint32(40, 0, true);
    // KSDATAFORMAT_SUBTYPE_{PCM,IEEE_FLOAT}: tag, then 00000010-8000-00aa00389b71
    const guidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
    v.setUint16(44, tag, true);
    guidTail.forEach((b, i) => v.setUint8(46 + i, b));
  }
  const dataHeader = 20 + fmtSize;
  put(dataHeader, 'data');
  v.setUint32(dataHeader + 4, dataSize, true);
  let p = dataHeader + 8;
  const clip = (x: number, max: number) => Math.max(-max, Math.min(max - 1, Math.round(x * max)));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nch; c++, p += bps) {
      const x = channels[c]![i]!;
      if (opts.encoding === 'float') {
        if (opts.bitsPerSample === 64) v.setFloat64(p, x, true);
        else v.setFloat32(p, x, true);
      } else if (opts.bitsPerSample === 8) v.setUint8(p, clip(x, 128) + 128);
      else if (opts.bitsPerSample === 16) v.setInt16(p, clip(x, 32768), true);
      else if (opts.bitsPerSample === 24) {
        const s = clip(x, 8388608);
        v.setUint8(p, s & 0xff);
        v.setUint8(p + 1, (s >> 8) & 0xff);
        v.setInt8(p + 2, s >> 16);
      } else v.setInt32(p, clip(x, 2147483648), true);
    }
  }
  return buf;
}
