// Backend choice for training in Node: tfjs-node-gpu or tfjs-node when the user has installed them
// (never a dependency: their installers download libtensorflow), else wasm (SIMD), else cpu.
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

/** The usage line of the commands' --backend option. */
export const BACKEND_USAGE = '  --backend auto|tensorflow|wasm|cpu   tfjs backend (default auto: tfjs-node when installed, else wasm, else cpu)';

export function isBackendChoice(v: string): v is BackendChoice {
  return (BACKEND_CHOICES as readonly string[]).includes(v);
}

/** The commands' usage error for a --backend value that `isBackendChoice` refused. */
export function backendChoiceError(v: string): string {
  return `--backend must be ${BACKEND_CHOICES.slice(0, -1).join(', ')} or ${BACKEND_CHOICES.at(-1)} (got "${v}")`;
}

let chosen: string | null = null;

async function tryImport(name: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ name);
    return true;
  } catch {
    return false;
  }
}

async function initWasm(): Promise<boolean> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    // Point the loader at the .wasm binaries on disk (it would otherwise resolve them as URLs).
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(join(dist, '/'));
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

/** Selects and initialises a backend; returns its description, e.g. "wasm (SIMD)". */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<string> {
  if (chosen && (choice === 'auto' || chosen.startsWith(choice))) return chosen;
  if (choice === 'auto' || choice === 'tensorflow') {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      if ((await tryImport(pkg)) && (await tf.setBackend('tensorflow'))) {
        await tf.ready();
        return (chosen = `tensorflow (${pkg})`);
      }
    }
    if (choice === 'tensorflow') throw new Error('backend "tensorflow" needs @tensorflow/tfjs-node or -gpu installed');
  }
  if (choice === 'auto' || choice === 'wasm') {
    if (await initWasm()) {
      await tf.ready();
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      return (chosen = `wasm${simd ? ' (SIMD)' : ''}`);
    }
    if (choice === 'wasm') throw new Error('the wasm backend failed to initialise');
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return (chosen = 'cpu');
}
