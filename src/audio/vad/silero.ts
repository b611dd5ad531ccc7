// Silero VAD v5 (the onnx model shipped by @ricky0123/vad-web) on onnxruntime. The runtime is injected,
// so the browser passes onnxruntime-web (wasm served same-origin) and Node tests pass onnxruntime-node.
import type * as Ort from 'onnxruntime-common';
import { VAD_FRAME, type FrameVad } from './types.ts';

/** Silero v5 sees the last 64 samples of the previous frame in front of each 512-sample frame. */
const CONTEXT = 64;

export interface OrtRuntime {
  InferenceSession: { create(model: Uint8Array, options?: Ort.InferenceSession.SessionOptions): Promise<Ort.InferenceSession> };
  Tensor: typeof Ort.Tensor;
}

export class SileroVad implements FrameVad {
  readonly kind = 'silero' as const;
  private state: Ort.Tensor;
  private context = new Float32Array(CONTEXT);
  private readonly input = new Float32Array(CONTEXT + VAD_FRAME);

  private constructor(
    private readonly ort: OrtRuntime,
    private readonly session: Ort.InferenceSession,
    private readonly sr: Ort.Tensor,
  ) {
    this.state = this.zeroState();
  }

  /** `model`: the bytes of silero_vad_v5.onnx. */
  static async create(ort: OrtRuntime, model: Uint8Array, executionProviders: string[] = ['wasm']): Promise<SileroVad> {
    const session = await ort.InferenceSession.create(model, { executionProviders });
    for (const name of ['input', 'state', 'sr']) {
      if (!session.inputNames.includes(name)) throw new Error(`not a Silero v5 model: no "${name}" input (has ${session.inputNames.join(', ')})`);
    }
    return new SileroVad(ort, session, new ort.Tensor('int64', BigInt64Array.from([16000n]), []));
  }

  private zeroState(): Ort.Tensor {
    return new this.ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  }

  async process(frame: Float32Array): Promise<number> {
    if (frame.length !== VAD_FRAME) throw new RangeError(`Silero VAD frames are ${VAD_FRAME} samples, got ${frame.length}`);
    this.input.set(this.context, 0);
    this.input.set(frame, CONTEXT);
    this.context = frame.slice(VAD_FRAME - CONTEXT);
    const input = new this.ort.Tensor('float32', this.input.slice(), [1, CONTEXT + VAD_FRAME]);
    const out = await this.session.run({ input, state: this.state, sr: this.sr });
    input.dispose();
    const next = out['stateN'];
    const prob = out['output'];
    if (!next || !prob) throw new Error('Silero VAD returned no output/stateN');
    this.state.dispose();
    this.state = next;
    const p = (prob.data as Float32Array)[0]!;
    prob.dispose();
    return p;
  }

  reset(): void {
    this.state.dispose();
    this.state = this.zeroState();
    this.context = new Float32Array(CONTEXT);
  }

  async dispose(): Promise<void> {
    this.state.dispose();
    await this.session.release();
  }
}
