// AudioWorklet processor: down-mixes to mono and posts fixed-size chunks, transferring each buffer
// (no copy) over a MessagePort whose other end is in the detector worker. Runs in the audio thread:
// no imports, no allocation except one buffer per chunk.

declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: { processorOptions?: unknown });
  abstract process(inputs: Float32Array[][], outputs: Float32Array[][], parameters: Record<string, Float32Array>): boolean;
}
declare function registerProcessor(name: string, ctor: new (options: { processorOptions?: unknown }) => AudioWorkletProcessor): void;

interface CaptureProcessorOptions {
  chunkFrames: number;
}

class CaptureProcessor extends AudioWorkletProcessor {
  private out: MessagePort | null = null;
  private buf: Float32Array;
  private fill = 0;
  private running = true;
  private readonly chunkFrames: number;

  constructor(options: { processorOptions?: unknown }) {
    super(options);
    const opts = options.processorOptions as CaptureProcessorOptions | undefined;
    this.chunkFrames = Math.max(128, Math.floor(opts?.chunkFrames ?? 2048));
    this.buf = new Float32Array(this.chunkFrames);
    this.port.onmessage = (e: MessageEvent<{ type: 'port'; port: MessagePort } | { type: 'stop' }>) => {
      if (e.data.type === 'port') this.out = e.data.port;
      else if (e.data.type === 'stop') {
        this.running = false;
        this.out?.close();
      }
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    if (!channels || channels.length === 0 || !this.out) return this.running;
    const n = channels[0]!.length;
    const k = channels.length;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += channels[c]![i]!;
      this.buf[this.fill++] = s / k;
      if (this.fill === this.chunkFrames) {
        this.out.postMessage(this.buf, [this.buf.buffer]);
        this.buf = new Float32Array(this.chunkFrames);
        this.fill = 0;
      }
    }
    return this.running;
  }
}

registerProcessor('msir-capture', CaptureProcessor);
