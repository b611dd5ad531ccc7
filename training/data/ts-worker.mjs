// worker_threads entry that runs a TypeScript module: workers do not inherit the parent's tsx
// registration (bin.mjs, vitest), so register tsx here, then import workerData.entry (a file URL).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
