// Architecture configuration of the MSIR model and its size presets. One config drives both the
// training graph (src/model/graph.ts) and the exported tfjs layers model (src/model/msir.ts).
import type { Branch } from './manifest.ts';

export type LogmelVariant = '2d' | '3d';
export type LldVariant = '1d' | '2d' | '3d';

export interface MsirConfig {
  branches: Branch[];
  inputs: { logmel: LogmelVariant; lld: LldVariant; w2vHidden: number };
  cr: {
    /** Filters per conv block; block 1 is 5×3 (time × mel), later blocks 3×3; each block max-pools 2×2. */
    convFilters: number[];
    /** Extra max-pooling over time after the conv blocks: fewer recurrent steps (the CPU lever). */
    timePool: number;
    /** Per-frame dense layer between the conv stack and the BiLSTM. */
    frameDense: number;
    lstmUnits: number;
  };
  lld: { timePool: number; lstmUnits: number };
  w2v: { timePool: number; lstmUnits: number };
  head: { dense: number; dropout: number };
  leakyAlpha: number;
}

export const LOGMEL_BANDS = 40;

export function logmelChannels(v: LogmelVariant): number {
  return v === '2d' ? 2 : 3;
}

export function lldDims(v: LldVariant): number {
  return v === '1d' ? 65 : v === '2d' ? 130 : 195;
}

/** Frames of input the model needs at least (one recurrent step per branch). */
export function minInputFrames(cfg: MsirConfig): { logmel: number; lld: number; w2v: number } {
  return {
    logmel: 2 ** cfg.cr.convFilters.length * cfg.cr.timePool,
    lld: cfg.lld.timePool,
    w2v: cfg.w2v.timePool,
  };
}

/** Recurrent steps a branch runs for an input of `frames` frames (valid pooling floors). */
export function crSteps(cfg: MsirConfig, frames: number): number {
  let t = frames;
  for (let i = 0; i < cfg.cr.convFilters.length; i++) t = Math.floor(t / 2);
  return Math.floor(t / cfg.cr.timePool);
}

const base = {
  inputs: { logmel: '2d', lld: '3d', w2vHidden: 768 },
  leakyAlpha: 0.2,
} as const;

/** CPU default: Conv 16/32, time pooled ×8 before the BiLSTM (~40 steps for 3.5 s), LSTM 32. */
export const CPU_PRESET: Omit<MsirConfig, 'branches'> = {
  ...base,
  inputs: { ...base.inputs },
  cr: { convFilters: [16, 32], timePool: 2, frameDense: 64, lstmUnits: 32 },
  lld: { timePool: 8, lstmUnits: 32 },
  w2v: { timePool: 2, lstmUnits: 32 },
  head: { dense: 64, dropout: 0.3 },
};

/** The paper's sizes (128/256 conv kernels, no extra time pooling): for a GPU. */
export const PAPER_PRESET: Omit<MsirConfig, 'branches'> = {
  ...base,
  inputs: { ...base.inputs },
  cr: { convFilters: [128, 256], timePool: 1, frameDense: 256, lstmUnits: 128 },
  lld: { timePool: 1, lstmUnits: 128 },
  w2v: { timePool: 1, lstmUnits: 128 },
  head: { dense: 256, dropout: 0.3 },
};

/** A tiny model for tests. */
export const TINY_PRESET: Omit<MsirConfig, 'branches'> = {
  ...base,
  inputs: { ...base.inputs },
  cr: { convFilters: [4, 8], timePool: 2, frameDense: 16, lstmUnits: 8 },
  lld: { timePool: 4, lstmUnits: 8 },
  w2v: { timePool: 2, lstmUnits: 8 },
  head: { dense: 16, dropout: 0 },
};

export const PRESETS = { cpu: CPU_PRESET, paper: PAPER_PRESET, tiny: TINY_PRESET } as const;
export type PresetName = keyof typeof PRESETS;

export function makeConfig(
  preset: PresetName,
  branches: Branch[],
  inputs: Partial<MsirConfig['inputs']> = {},
): MsirConfig {
  const p = PRESETS[preset];
  return structuredClone({ ...p, branches: [...branches], inputs: { ...p.inputs, ...inputs } });
}
