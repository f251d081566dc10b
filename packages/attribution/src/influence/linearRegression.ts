import { createGlm, type GlmModel, type GlmOptions } from './glm.js';

/**
 * L2-regularised (ridge) linear regression with squared loss ½(θ·x − y)², exact per-example
 * gradients and Hessian; `fit` solves it in one Newton step.
 *
 * @example
 * import { linearRegression, influenceFunction } from '@openledger/attribution';
 * const train = [{ x: [1], y: 2 }, { x: [2], y: 4.1 }, { x: [3], y: 5.9 }];
 * const model = linearRegression({ numFeatures: 1, l2: 0.01 });
 * model.fit(train);
 * const { top } = influenceFunction(model, { train, test: [{ x: [2.5], y: 5 }] });
 */
export function linearRegression(opts: GlmOptions): GlmModel {
  return createGlm('linear', opts);
}
