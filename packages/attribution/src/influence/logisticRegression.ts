import { createGlm, type GlmModel, type GlmOptions } from './glm.js';

/** Options of {@link logisticRegression}. */
export interface LogisticRegressionOptions extends GlmOptions {
  /** 2 (default) for binary logistic regression with labels 0/1, more for multinomial (softmax). */
  numClasses?: number;
}

/**
 * L2-regularised logistic regression (binary or multinomial) with exact per-example gradients,
 * Hessian, Hessian-vector products and Newton fitting, ready for the influence methods.
 *
 * @example
 * import { logisticRegression, influenceFunction } from '@openledger/attribution';
 * const train = [{ x: [1, 0], y: 1 }, { x: [0, 1], y: 0 }, { x: [1, 1], y: 1 }];
 * const model = logisticRegression({ numFeatures: 2, l2: 0.1 });
 * model.fit(train);
 * const result = influenceFunction(model, { train, test: [{ x: [1, 0.5], y: 1 }] });
 */
export function logisticRegression(opts: LogisticRegressionOptions): GlmModel {
  const classes = opts.numClasses ?? 2;
  return classes === 2
    ? createGlm('binary', opts)
    : createGlm('multinomial', { ...opts, numClasses: classes });
}
