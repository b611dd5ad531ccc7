// Module worker for tests/e2e/ssl*.test.ts: the encoder where the detector runs it, off the main thread.
import { Wav2Vec2Encoder, type Wav2Vec2LoadOptions } from '../../src/ssl/encoder.ts';
import { SslError } from '../../src/ssl/errors.ts';

self.onmessage = async (ev: MessageEvent<{ opts: Wav2Vec2LoadOptions; audio: Float32Array }>) => {
  try {
    const enc = await Wav2Vec2Encoder.load(ev.data.opts);
    try {
      const out = await enc.encode(ev.data.audio);
      self.postMessage({ ok: true, info: enc.info, frames: out.frames, hidden: out.hidden, data: Array.from(out.data), crossOriginIsolated });
    } finally {
      await enc.dispose();
    }
  } catch (err) {
    self.postMessage({
      ok: false,
      code: err instanceof SslError ? err.code : 'unexpected',
      message: err instanceof Error ? err.message : String(err),
      crossOriginIsolated,
    });
  }
};
