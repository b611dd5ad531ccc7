// Fallback VAD when Silero cannot load: frame energy against an adaptive noise floor, gated by spectral
// flatness (voiced speech is peaky, broadband noise is flat). Cruder than Silero; say so in the UI.
import Meyda from 'meyda';
import { VAD_FRAME, VAD_RATE, type FrameVad } from './types.ts';

export class EnergyVad implements FrameVad {
  readonly kind = 'energy' as const;
  private floorDb = -60;

  async process(frame: Float32Array): Promise<number> {
    Meyda.bufferSize = VAD_FRAME;
    Meyda.sampleRate = VAD_RATE;
    const f = Meyda.extract(['rms', 'spectralFlatness'], frame);
    const rms = f?.rms ?? 0;
    const flatness = f?.spectralFlatness ?? 1;
    const db = 20 * Math.log10(rms + 1e-9);
    // Noise floor: follows drops at once, rises slowly (≈ 3 dB/s), so speech does not lift it.
    this.floorDb = db < this.floorDb ? db : this.floorDb + 0.1;
    this.floorDb = Math.max(this.floorDb, -90);
    const snr = db - this.floorDb;
    const energy = 1 / (1 + Math.exp(-(snr - 12) / 2.5)); // 0.5 at 12 dB over the floor
    const tonal = Number.isFinite(flatness) ? 1 / (1 + Math.exp((flatness - 0.45) / 0.08)) : 0;
    return db < -65 ? 0 : energy * (0.4 + 0.6 * tonal);
  }

  reset(): void {
    this.floorDb = -60;
  }

  async dispose(): Promise<void> {}
}
