// One extraction worker: decode → FeatureExtractor (+ wav2vec2) → cache files, arrays back to the parent.
import { parentPort } from 'node:worker_threads';
import { readAudioFile } from '../../src/audio/node.ts';
import { audioForModel } from '../../src/audio/normalise-level.ts';
import { speedPerturb } from '../augment/speed.ts';
import { applyPlan } from '../augment/index.ts';
import { writeEntryAtomic } from './cache-format.ts';
import { createFeatureExtractor, loadSslEncoder, type FeatureExtractorLike, type SslEncoderLike } from './modules.ts';
import type { WorkerReply, WorkerTask } from './cache-protocol.ts';
import { featureEntry, sslEntry } from './cache-protocol.ts';

if (!parentPort) throw new Error('cache-worker.ts must run in a worker thread');
const port = parentPort;

let extractor: FeatureExtractorLike | null = null;
const encoders = new Map<string, Promise<SslEncoderLike>>();

async function handle(task: WorkerTask): Promise<WorkerReply> {
  const decoded = await readAudioFile(task.path);
  const g = task.gainDb ? 10 ** (task.gainDb / 20) : 1;
  const gained = g === 1 ? decoded : decoded.map((v) => v * g);
  const sped = task.speed ? await speedPerturb(gained, task.speed) : gained;
  const audio = task.augment ? await applyPlan(sped, task.augment, (p) => readAudioFile(p)) : sped;
  const reply: WorkerReply = { id: task.id, ok: true };
  if (task.featuresOut) {
    extractor ??= createFeatureExtractor();
    const entry = featureEntry(extractor.extract(audioForModel(audio, task.levelDb)));
    await writeEntryAtomic(task.featuresOut, entry);
    reply.features = entry;
  }
  if (task.w2v) {
    let enc = encoders.get(task.w2v.model);
    if (!enc) encoders.set(task.w2v.model, (enc = loadSslEncoder(task.w2v.model)));
    const entry = sslEntry(await (await enc).encode(audio));
    await writeEntryAtomic(task.w2v.out, entry);
    reply.w2v = entry;
  }
  return reply;
}

port.on('message', (task: WorkerTask) => {
  handle(task).then(
    (reply) => {
      const transfer = [reply.features, reply.w2v].flatMap((e) => (e ? Object.values(e.arrays).map((a) => a.buffer as ArrayBuffer) : []));
      port.postMessage(reply, transfer);
    },
    (err: unknown) => port.postMessage({ id: task.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies WorkerReply),
  );
});
port.postMessage({ ready: true });
