// The linear baseline (LLD functionals → z-score → logistic regression per emotion).
export { utteranceFunctionals, FUNCTIONALS_DIM, FUNCTIONALS_VERSION, FUNCTIONAL_NAMES, FunctionalsError } from './functionals.ts';
export { LINEAR_WEIGHTS_FILE, parseLinearWeights, linearForward, LinearModelError, type LinearWeights } from './model.ts';
export { createLinearPredictor, LinearPredictor, readModelJson } from './predictor.ts';
