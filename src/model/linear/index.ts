// The linear baseline (LLD functionals → z-score → logistic regression per emotion).
export { utteranceFunctionals, FUNCTIONALS_DIM, FUNCTIONALS_VERSION, FUNCTIONAL_NAMES, FunctionalsError } from './functionals.ts';
export { LINEAR_WEIGHTS_FILE, parseLinearWeights, linearForward, LinearModelError, type LinearWeights } from './model.ts';
export { createLinearPredictor, LinearPredictor, readModelJson } from './predictor.ts';
export { FUNCTIONALS_SETS, functionalsSet, type FunctionalsSet } from './sets.ts';
export { compareFunctionals, COMPARE_FUNCTIONALS_DIM } from './compare.ts';
export { egemapsFunctionals, EGEMAPS_FUNCTIONALS_DIM, EGEMAPS_MISSING } from './egemaps.ts';
