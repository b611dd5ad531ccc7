// Main-thread side of microphone capture: MediaStream → AudioWorklet (mono chunks) → a MessagePort the
// caller hands to the detector worker. Watches the track and the AudioContext for trouble.
import processorUrl from './processor.worklet.ts?worker&url';
import { CaptureError } from './errors.ts';

export interface CaptureOptions {
  /** Reuse a context created inside a user gesture (autoplay policy); otherwise one is created. */
  audioContext?: AudioContext;
  /** Chunk length handed to the worker, in ms of audio (default 64 ms). */
  chunkMs?: number;
  /** Called when the device goes away or the context stops running. */
  onProblem?: (err: CaptureError) => void;
}

export interface Capture {
  readonly context: AudioContext;
  /** The AudioContext's rate: the rate of every chunk on `port`. */
  readonly sampleRate: number;
  /** Transfer this to the worker; it receives Float32Array chunks. */
  readonly port: MessagePort;
  /** Resumes a suspended context; must be called from a user gesture when the browser demands one. */
  resume(): Promise<void>;
  suspend(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCapture(stream: MediaStream, opts: CaptureOptions = {}): Promise<Capture> {
  const track = stream.getAudioTracks()[0];
  if (!track) throw new CaptureError('no-input-device', 'The media stream has no audio track.');
  if (track.readyState === 'ended') throw new CaptureError('device-lost', 'The microphone track has already ended. Press Start again.');
  if (typeof AudioWorkletNode === 'undefined') throw new CaptureError('unsupported', 'This browser has no AudioWorklet.');

  const ownsContext = !opts.audioContext;
  const context = opts.audioContext ?? new AudioContext({ latencyHint: 'interactive' });
  if (context.state === 'suspended') await context.resume().catch(() => undefined);
  if (context.state !== 'running') {
    if (ownsContext) await context.close().catch(() => undefined);
    throw new CaptureError('audio-context-suspended', 'Audio is blocked until you interact with the page: click Start to begin listening.');
  }
  await context.audioWorklet.addModule(processorUrl);

  const chunkFrames = Math.round((context.sampleRate * (opts.chunkMs ?? 64)) / 1000);
  const source = context.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(context, 'msir-capture', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    channelCountMode: 'explicit',
    channelCount: Math.max(1, Math.min(2, track.getSettings().channelCount ?? 1)),
    processorOptions: { chunkFrames },
  });
  // A muted sink keeps the graph pulling the worklet on every browser; nothing is played.
  const sink = context.createGain();
  sink.gain.value = 0;
  source.connect(node);
  node.connect(sink);
  sink.connect(context.destination);

  const channel = new MessageChannel();
  node.port.postMessage({ type: 'port', port: channel.port2 }, [channel.port2]);

  let stopped = false;
  // Our own suspend (hidden tab) is not a problem to report.
  let suspendedByUs = false;
  let lost = false;
  const onEnded = (): void => {
    if (stopped || lost) return;
    lost = true;
    opts.onProblem?.(new CaptureError('device-lost', 'The microphone was disconnected. Plug it back in (or pick another), then press Start again.'));
  };
  // A track stopped by page script ends without an 'ended' event (Media Capture spec): look for it,
  // or a host that stops the tracks would leave us "recording" silence.
  const watch = setInterval(() => {
    if (track.readyState === 'ended') onEnded();
  }, 500);
  const onState = (): void => {
    if (stopped || suspendedByUs || context.state === 'running') return;
    opts.onProblem?.(new CaptureError('audio-context-suspended', 'Audio was suspended by the browser. Click Resume (or Start) to continue.'));
  };
  track.addEventListener('ended', onEnded);
  context.addEventListener('statechange', onState);

  return {
    context,
    sampleRate: context.sampleRate,
    port: channel.port1,
    async resume() {
      await context.resume();
      suspendedByUs = false;
    },
    async suspend() {
      suspendedByUs = true;
      await context.suspend();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(watch);
      track.removeEventListener('ended', onEnded);
      context.removeEventListener('statechange', onState);
      node.port.postMessage({ type: 'stop' });
      source.disconnect();
      node.disconnect();
      sink.disconnect();
      if (ownsContext) await context.close().catch(() => undefined);
    },
  };
}
