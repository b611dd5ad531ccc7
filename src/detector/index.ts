// Public entry of the detector: `Detector.create({ model })`, `detect`, `listen`, `dispose`.
export { Detector } from './detector.ts';
export { DetectionStream, type DetectionEventMap } from './stream.ts';
export { DetectorError, type DetectorErrorCode } from './errors.ts';
export type * from './types.ts';
export type { WorkerStats } from './protocol.ts';
