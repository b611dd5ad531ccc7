// The functionals sets a linear model can run on (manifest.functionals; absent = 'project', the set every
// model before it was trained on): name → version, dimension and the function computing it.
import type { Features } from '../../features/types.ts';
import type { FunctionalsSetName } from '../manifest.ts';
import { COMPARE_FUNCTIONALS_DIM, COMPARE_FUNCTIONALS_VERSION, compareFunctionals } from './compare.ts';
import { EGEMAPS_FUNCTIONALS_DIM, EGEMAPS_FUNCTIONALS_VERSION, egemapsFunctionals } from './egemaps.ts';
import { FUNCTIONALS_DIM, FUNCTIONALS_VERSION, utteranceFunctionals } from './functionals.ts';

export interface FunctionalsSet {
  name: FunctionalsSetName;
  version: number;
  dim: number;
  /** How the docs and logs name it. */
  label: string;
  compute: (features: Features, frameStepSec?: number) => Float32Array;
}

export const FUNCTIONALS_SETS: Record<FunctionalsSetName, FunctionalsSet> = {
  project: { name: 'project', version: FUNCTIONALS_VERSION, dim: FUNCTIONALS_DIM, label: `project functionals (65 LLDs + Δ × 10, n = ${FUNCTIONALS_DIM})`, compute: utteranceFunctionals },
  compare: { name: 'compare', version: COMPARE_FUNCTIONALS_VERSION, dim: COMPARE_FUNCTIONALS_DIM, label: `ComParE 2016 functionals (reimplemented, n = ${COMPARE_FUNCTIONALS_DIM})`, compute: compareFunctionals },
  egemaps: { name: 'egemaps', version: EGEMAPS_FUNCTIONALS_VERSION, dim: EGEMAPS_FUNCTIONALS_DIM, label: `eGeMAPS-style functionals (${EGEMAPS_FUNCTIONALS_DIM} of the 88)`, compute: egemapsFunctionals },
};

export const DEFAULT_FUNCTIONALS_SET: FunctionalsSetName = 'project';

export function functionalsSet(name: FunctionalsSetName | undefined): FunctionalsSet {
  return FUNCTIONALS_SETS[name ?? DEFAULT_FUNCTIONALS_SET];
}
