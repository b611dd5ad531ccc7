// Frozen wav2vec2 encoder through transformers.js: 16 kHz mono audio → last_hidden_state [frames × hidden]
// at 50 Hz. Local-only: a directory in Node (onnxruntime-node, CPU), a same-origin URL in the browser
// (onnxruntime-web, WebGPU or WASM). The folder's preprocessor_config.json decides normalisation, so training
// (Node) and inference (browser) feed the network identically.
import { AutoFeatureExtractor, AutoModel, env, Tensor, type FeatureExtractor, type PreTrainedModel } from '@huggingface/transformers';
import type { SslFeatures } from '../model/predictor.ts';
import { chooseDevice, chooseDtype, probeCapabilities, ONNX_FILES, type DeviceRequest, type DtypeRequest, type Device, type Dtype } from './device.ts';
import { SslError } from './errors.ts';
import { openNodeFolder, openUrlFolder, readJson, type ModelFolder } from './folder.ts';
import { sha256Hex, type EncoderIdentity } from './identity.ts';
import { configureLocalOnly, IS_NODE, type OrtWasmPaths } from './local-only.ts';

export interface Wav2Vec2LoadOptions {
  /** Local directory (Node) or same-origin URL of the model folder (browser). */
  model: string;
  device?: DeviceRequest;
  dtype?: DtypeRequest;
  /** Refuse the encoder unless it outputs this width (e.g. a manifest's encoder.hiddenSize). */
  expectHiddenSize?: number;
  /** Browser: same-origin onnxruntime-web WASM files; defaults to the copies the app bundles. */
  wasmPaths?: OrtWasmPaths;
  /**
   * Browser WASM threads (needs crossOriginIsolated). onnxruntime-web's default is min(4, ⌈cores/2⌉);
   * it takes effect only before the page's first session (the WASM runtime initialises once).
   */
  wasmThreads?: number;
}

export interface Wav2Vec2Info extends EncoderIdentity {
  device: Device;
  dtype: Dtype;
}

/** Shortest input the conv feature encoder accepts: its receptive field (400 samples = 25 ms). */
export const MIN_SAMPLES = 400;

// env.localModelPath is global to transformers.js: loads run one at a time.
let loadChain: Promise<unknown> = Promise.resolve();

export class Wav2Vec2Encoder {
  private disposed = false;

  private constructor(
    readonly info: Wav2Vec2Info,
    private readonly processor: FeatureExtractor,
    private readonly model: PreTrainedModel,
    private readonly inputNames: readonly string[],
  ) {}

  static load(opts: Wav2Vec2LoadOptions): Promise<Wav2Vec2Encoder> {
    const next = loadChain.then(() => Wav2Vec2Encoder.loadNow(opts));
    loadChain = next.catch(() => undefined);
    return next;
  }

  private static async loadNow(opts: Wav2Vec2LoadOptions): Promise<Wav2Vec2Encoder> {
    if (typeof opts?.model !== 'string' || opts.model.length === 0) {
      throw new SslError('model-missing', 'wav2vec2: options.model must name a model folder');
    }
    const wasmPaths = opts.wasmPaths ?? (IS_NODE ? undefined : (await import('./ort-wasm-urls.ts')).ORT_WASM_PATHS);
    configureLocalOnly(wasmPaths);
    if (opts.wasmThreads !== undefined && env.backends.onnx.wasm) {
      if (!Number.isInteger(opts.wasmThreads) || opts.wasmThreads < 1) throw new SslError('device-unavailable', 'wav2vec2: wasmThreads must be a positive integer');
      env.backends.onnx.wasm.numThreads = opts.wasmThreads;
    }

    const folder: ModelFolder = IS_NODE ? await openNodeFolder(opts.model) : openUrlFolder(opts.model);
    const config = await readJson(folder, 'config.json');
    if (config.model_type !== 'wav2vec2') {
      throw new SslError('not-wav2vec2', `wav2vec2: ${folder.location}/config.json has model_type "${String(config.model_type)}", expected "wav2vec2"`);
    }
    const hiddenSize = config.hidden_size;
    if (typeof hiddenSize !== 'number' || !Number.isInteger(hiddenSize) || hiddenSize <= 0) {
      throw new SslError('not-wav2vec2', `wav2vec2: ${folder.location}/config.json has no valid hidden_size`);
    }
    if (opts.expectHiddenSize !== undefined && opts.expectHiddenSize !== hiddenSize) {
      throw new SslError(
        'hidden-size-mismatch',
        `wav2vec2: the model at ${folder.location} is ${hiddenSize} wide but ${opts.expectHiddenSize} is expected (the classifier's w2v input width)`,
      );
    }
    const pre = await readJson(folder, 'preprocessor_config.json');
    if (pre.sampling_rate !== undefined && pre.sampling_rate !== 16000) {
      throw new SslError('not-wav2vec2', `wav2vec2: preprocessor sampling_rate is ${String(pre.sampling_rate)}, msir feeds 16000 Hz`);
    }

    const caps = await probeCapabilities(IS_NODE);
    const device = chooseDevice(opts.device ?? 'auto', caps);
    const dtype = await chooseDtype(opts.dtype ?? 'auto', device, caps, (f) => folder.has(f));
    // Identity = the canonical fp32 export, whichever dtype variant runs. The weights are read once: the bytes
    // hashed here are handed to transformers.js through a one-load in-memory cache, so they are the bytes
    // that run (and a 360 MB model is not downloaded twice in the browser).
    const fp32Bytes = await folder.readBytes(ONNX_FILES.fp32);
    const sha256 = await sha256Hex(fp32Bytes);
    const runFile = ONNX_FILES[dtype];
    const runBytes = dtype === 'fp32' ? fp32Bytes : await folder.readBytes(runFile);
    const name = await sourceName(folder);

    if (!/^[\w\-.]{1,96}$/.test(folder.id) || folder.id.includes('..') || folder.id.includes('--')) {
      throw new SslError('model-missing', `wav2vec2: folder name "${folder.id}" must be letters, digits, "-", "_" or "." (transformers.js model id rules)`);
    }
    env.localModelPath = folder.parent;
    const saved = { useCustomCache: env.useCustomCache, customCache: env.customCache };
    // Keys are the local path (".../<id>/onnx/model.onnx") or, for the second lookup, transformers.js's
    // hub-shaped cache key (".../<id>/resolve/main/onnx/model.onnx"); this cache lives for this load only.
    const isRunFile = (key: string) => key.includes(folder.id) && key.endsWith(`/${runFile}`);
    let served = false;
    env.useCustomCache = true;
    env.customCache = {
      match: async (key: string) => {
        if (!isRunFile(key)) return undefined;
        served = true;
        return new Response(runBytes as Uint8Array<ArrayBuffer>, { headers: { 'content-length': String(runBytes.byteLength) } });
      },
      put: async () => undefined,
    };
    let processor: FeatureExtractor;
    let model: PreTrainedModel;
    try {
      processor = await AutoFeatureExtractor.from_pretrained(folder.id, { local_files_only: true });
      model = await AutoModel.from_pretrained(folder.id, { local_files_only: true, device, dtype });
    } catch (err) {
      throw new SslError('load-failed', `wav2vec2: transformers.js could not load ${folder.location} on ${device}/${dtype}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      env.useCustomCache = saved.useCustomCache;
      env.customCache = saved.customCache;
    }
    if (!served) {
      await model.dispose();
      throw new SslError('load-failed', `wav2vec2: transformers.js did not load ${runFile} of ${folder.location} (file layout changed?)`);
    }
    const session = sessionOf(model);
    if (!session.outputNames.includes('last_hidden_state')) {
      await model.dispose();
      if (session.outputNames.includes('logits')) {
        throw new SslError(
          'ctc-export',
          `wav2vec2: ${folder.location} is a CTC/classification export (it outputs "logits"); export the bare encoder with the feature-extraction task so it outputs "last_hidden_state" (docs/wav2vec2.md)`,
        );
      }
      throw new SslError('ctc-export', `wav2vec2: ${folder.location} outputs [${session.outputNames.join(', ')}], not "last_hidden_state"`);
    }
    if (!session.inputNames.includes('input_values')) {
      await model.dispose();
      throw new SslError('not-wav2vec2', `wav2vec2: ${folder.location} takes [${session.inputNames.join(', ')}], not "input_values"`);
    }
    return new Wav2Vec2Encoder({ name, hiddenSize, sha256, device, dtype }, processor, model, session.inputNames);
  }

  async encode(audio16k: Float32Array): Promise<SslFeatures> {
    if (this.disposed) throw new SslError('disposed', 'wav2vec2: encoder was disposed');
    if (!(audio16k instanceof Float32Array)) throw new SslError('bad-input', 'wav2vec2: audio must be a Float32Array of 16 kHz mono samples');
    if (audio16k.length < MIN_SAMPLES) {
      throw new SslError('bad-input', `wav2vec2: ${audio16k.length} samples is shorter than the encoder's ${MIN_SAMPLES}-sample receptive field (25 ms)`);
    }
    for (let i = 0; i < audio16k.length; i++) {
      if (!Number.isFinite(audio16k[i])) throw new SslError('bad-input', `wav2vec2: sample ${i} is not finite`);
    }
    const inputs = (await this.processor(audio16k)) as Record<string, Tensor>;
    const feed: Record<string, Tensor> = {};
    for (const n of this.inputNames) {
      const t = inputs[n];
      if (!t) throw new SslError('not-wav2vec2', `wav2vec2: the preprocessor gives no "${n}" the model needs`);
      feed[n] = t;
    }
    const outputs = (await this.model(feed)) as Record<string, Tensor>;
    const out = outputs.last_hidden_state;
    try {
      if (!out || out.dims.length !== 3 || out.dims[0] !== 1) {
        throw new SslError('ctc-export', `wav2vec2: last_hidden_state has shape [${out?.dims.join(', ') ?? ''}], expected [1, frames, hidden]`);
      }
      const [, frames, hidden] = out.dims as [number, number, number];
      if (hidden !== this.info.hiddenSize) {
        throw new SslError('hidden-size-mismatch', `wav2vec2: the ONNX graph outputs ${hidden} values per frame but config.json says hidden_size ${this.info.hiddenSize}`);
      }
      const f32 = out.type === 'float32' ? out : out.to('float32');
      const data = new Float32Array(f32.data as Float32Array);
      if (f32 !== out) f32.dispose();
      return { data, frames, hidden };
    } finally {
      for (const t of [...Object.values(inputs), ...Object.values(outputs)]) t?.dispose?.();
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.model.dispose();
  }
}

interface SessionNames {
  inputNames: string[];
  outputNames: string[];
}

function sessionOf(model: PreTrainedModel): SessionNames {
  const sessions = Object.values(model.sessions) as Array<Partial<SessionNames>>;
  const s = sessions[0];
  if (sessions.length !== 1 || !s?.inputNames || !s.outputNames) {
    throw new SslError('not-wav2vec2', `wav2vec2: expected one ONNX session, transformers.js created ${sessions.length}`);
  }
  return { inputNames: s.inputNames, outputNames: s.outputNames };
}

/** `msir models fetch` records the hub repo in msir-source.json; otherwise the folder name. */
async function sourceName(folder: ModelFolder): Promise<string> {
  if (await folder.has('msir-source.json')) {
    const src = await readJson(folder, 'msir-source.json');
    if (typeof src.repo === 'string') return src.repo;
  }
  return folder.id;
}
