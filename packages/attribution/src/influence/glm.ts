import { cholesky, choleskySolve } from '../linalg/cholesky.js';
import { matmulTN, syrkTN } from '../linalg/matmul.js';
import { InfluenceError } from './errors.js';
import { type InfluenceProgress, throwIfAborted } from './progress.js';
import type { Example, InfluenceModel } from './types.js';

/** Options of `fit` on the built-in convex models (Newton's method). */
export interface FitOptions {
  /** Stop when the largest Newton step is below this. Default 1e-10. */
  tol?: number;
  /** Default 100. */
  maxIter?: number;
  onProgress?: (p: InfluenceProgress) => void;
  signal?: AbortSignal;
}

/** A built-in generalised linear model with exact gradients, Hessian and Newton fitting. */
export interface GlmModel extends InfluenceModel<Example> {
  readonly kind: 'linear' | 'binary' | 'multinomial';
  readonly numFeatures: number;
  /** Output rows: 1 for linear and binary, the class count for multinomial. */
  readonly numOutputs: number;
  hessian(examples: readonly Example[]): Float64Array;
  hvp(examples: readonly Example[], v: Float64Array): Float64Array;
  /** Raw outputs (numOutputs per example): the prediction, the logit, or the class logits. */
  predict(examples: readonly Example[], at?: Float64Array): Float64Array;
  /** Minimise Σ ℓ + ½·l2·‖θ‖² by Newton's method, starting from `params`; updates `params`. */
  fit(examples: readonly Example[], opts?: FitOptions): { iterations: number; gradientNorm: number };
}

/** Options shared by the built-in generalised linear models (L2 strength, feature count, …). */
export interface GlmOptions {
  numFeatures: number;
  /** L2 coefficient on every parameter, intercept included (keeps the Hessian positive definite). */
  l2: number;
  /** Starting parameters (numOutputs × (numFeatures + 1), intercept last in each row). */
  params?: Float64Array;
}

const log1pExp = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function createGlm(kind: GlmModel['kind'], opts: GlmOptions & { numClasses?: number }): GlmModel {
  const p = opts.numFeatures;
  if (!Number.isSafeInteger(p) || p <= 0)
    throw new InfluenceError('INVALID_INPUT', 'numFeatures must be a positive integer.');
  if (!(typeof opts.l2 === 'number' && opts.l2 >= 0 && Number.isFinite(opts.l2))) {
    throw new InfluenceError('INVALID_INPUT', 'l2 must be a finite non-negative number.');
  }
  const c = kind === 'multinomial' ? (opts.numClasses ?? 0) : 1;
  if (kind === 'multinomial' && (!Number.isSafeInteger(c) || c < 2)) {
    throw new InfluenceError('INVALID_INPUT', 'numClasses must be an integer ≥ 2.');
  }
  const q = p + 1;
  const d = c * q;
  const l2 = opts.l2;
  let params: Float64Array = opts.params ? Float64Array.from(opts.params) : new Float64Array(d);
  if (params.length !== d) throw new InfluenceError('SHAPE_MISMATCH', `params must have ${d} values.`);

  /** Design matrix with a trailing 1 column, validated. */
  const design = (examples: readonly Example[]): Float64Array => {
    if (!Array.isArray(examples)) throw new InfluenceError('INVALID_INPUT', 'examples must be an array.');
    const X = new Float64Array(examples.length * q);
    examples.forEach((e, i) => {
      if (!e || e.x == null || e.x.length !== p) {
        throw new InfluenceError('SHAPE_MISMATCH', `examples[${i}].x must have ${p} features.`);
      }
      const y = e.y;
      const okY =
        kind === 'linear'
          ? Number.isFinite(y)
          : kind === 'binary'
            ? y === 0 || y === 1
            : Number.isInteger(y) && y >= 0 && y < c;
      if (!okY)
        throw new InfluenceError('INVALID_INPUT', `examples[${i}].y = ${y} is not a valid ${kind} label.`);
      const o = i * q;
      for (let j = 0; j < p; j++) {
        const v = e.x[j]!;
        if (!Number.isFinite(v))
          throw new InfluenceError('INVALID_INPUT', `examples[${i}].x[${j}] is not finite.`);
        X[o + j] = v;
      }
      X[o + p] = 1;
    });
    return X;
  };

  const outputs = (X: Float64Array, n: number, th: Float64Array): Float64Array => {
    const Z = new Float64Array(n * c);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < c; k++) {
        let s = 0;
        const xo = i * q;
        const wo = k * q;
        for (let j = 0; j < q; j++) s += X[xo + j]! * th[wo + j]!;
        Z[i * c + k] = s;
      }
    }
    return Z;
  };

  /** dℓ/dz per example (n × c): residual, σ − y, or softmax − onehot. */
  const residuals = (Z: Float64Array, examples: readonly Example[]): Float64Array => {
    const n = examples.length;
    const R = new Float64Array(n * c);
    for (let i = 0; i < n; i++) {
      const y = examples[i]!.y;
      if (kind === 'linear') R[i] = Z[i]! - y;
      else if (kind === 'binary') R[i] = sigmoid(Z[i]!) - y;
      else {
        let m = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < c; k++) m = Math.max(m, Z[i * c + k]!);
        let s = 0;
        for (let k = 0; k < c; k++) s += Math.exp(Z[i * c + k]! - m);
        for (let k = 0; k < c; k++) R[i * c + k] = Math.exp(Z[i * c + k]! - m) / s - (k === y ? 1 : 0);
      }
    }
    return R;
  };

  const model: GlmModel = {
    kind,
    numFeatures: p,
    numOutputs: c,
    numParams: d,
    l2,
    get params() {
      return params;
    },
    set params(v: Float64Array) {
      if (!(v instanceof Float64Array) || v.length !== d)
        throw new InfluenceError('SHAPE_MISMATCH', `params must be a Float64Array of ${d}.`);
      params = v;
    },
    layers: [{ name: kind, offset: 0, size: d }],
    predict(examples, at = params) {
      return outputs(design(examples), examples.length, at);
    },
    losses(examples, at = params) {
      const n = examples.length;
      const Z = outputs(design(examples), n, at);
      const L = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const y = examples[i]!.y;
        if (kind === 'linear') L[i] = 0.5 * (Z[i]! - y) ** 2;
        else if (kind === 'binary') L[i] = log1pExp(Z[i]!) - y * Z[i]!;
        else {
          let m = Number.NEGATIVE_INFINITY;
          for (let k = 0; k < c; k++) m = Math.max(m, Z[i * c + k]!);
          let s = 0;
          for (let k = 0; k < c; k++) s += Math.exp(Z[i * c + k]! - m);
          L[i] = m + Math.log(s) - Z[i * c + y]!;
        }
      }
      return L;
    },
    gradients(examples, at = params) {
      const n = examples.length;
      const X = design(examples);
      const R = residuals(outputs(X, n, at), examples);
      const G = new Float64Array(n * d);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < c; k++) {
          const r = R[i * c + k]!;
          const go = i * d + k * q;
          const xo = i * q;
          for (let j = 0; j < q; j++) G[go + j] = r * X[xo + j]!;
        }
      }
      return G;
    },
    hessian(examples) {
      const n = examples.length;
      const X = design(examples);
      const Z = outputs(X, n, params);
      const H = new Float64Array(d * d);
      const Xw = new Float64Array(n * q);
      const block = new Float64Array(q * q);
      const P =
        kind === 'multinomial'
          ? residuals(
              Z,
              examples.map((e) => ({ x: e.x, y: -1 })),
            )
          : Z;
      const w = new Float64Array(n);
      for (let k = 0; k < c; k++) {
        for (let l = k; l < c; l++) {
          for (let i = 0; i < n; i++) {
            if (kind === 'linear') w[i] = 1;
            else if (kind === 'binary') {
              const s = sigmoid(Z[i]!);
              w[i] = s * (1 - s);
            } else {
              const pk = P[i * c + k]!;
              const pl = P[i * c + l]!;
              w[i] = (k === l ? pk : 0) - pk * pl;
            }
          }
          if (k === l) syrkTN(q, n, X, w, block);
          else {
            for (let i = 0; i < n; i++) for (let j = 0; j < q; j++) Xw[i * q + j] = w[i]! * X[i * q + j]!;
            matmulTN(q, q, n, X, Xw, block);
          }
          for (let a = 0; a < q; a++) {
            for (let b = 0; b < q; b++) {
              const v = block[a * q + b]!;
              H[(k * q + a) * d + l * q + b] = v;
              H[(l * q + b) * d + k * q + a] = v;
            }
          }
        }
      }
      for (let i = 0; i < d; i++) H[i * d + i]! += l2;
      return H;
    },
    hvp(examples, v) {
      const n = examples.length;
      const X = design(examples);
      const Z = outputs(X, n, params);
      const XV = outputs(X, n, v); // x'ᵀ v_k per example and output
      const out = new Float64Array(d);
      const P =
        kind === 'multinomial'
          ? residuals(
              Z,
              examples.map((e) => ({ x: e.x, y: -1 })),
            )
          : Z;
      const u = new Float64Array(c);
      for (let i = 0; i < n; i++) {
        if (kind === 'linear') u[0] = XV[i]!;
        else if (kind === 'binary') {
          const s = sigmoid(Z[i]!);
          u[0] = s * (1 - s) * XV[i]!;
        } else {
          let pv = 0;
          for (let k = 0; k < c; k++) pv += P[i * c + k]! * XV[i * c + k]!;
          for (let k = 0; k < c; k++) u[k] = P[i * c + k]! * (XV[i * c + k]! - pv);
        }
        for (let k = 0; k < c; k++) {
          const uk = u[k]!;
          for (let j = 0; j < q; j++) out[k * q + j]! += uk * X[i * q + j]!;
        }
      }
      for (let i = 0; i < d; i++) out[i]! += l2 * v[i]!;
      return out;
    },
    fit(examples, fitOpts = {}) {
      const tol = fitOpts.tol ?? 1e-10;
      const maxIter = fitOpts.maxIter ?? 100;
      const objective = (th: Float64Array) => {
        let s = 0;
        for (const v of model.losses(examples, th)) s += v;
        let r = 0;
        for (const v of th) r += v * v;
        return s + 0.5 * l2 * r;
      };
      let f = objective(params);
      let it = 0;
      let gnorm = Number.POSITIVE_INFINITY;
      for (; it < maxIter; it++) {
        throwIfAborted(fitOpts.signal);
        const G = model.gradients(examples);
        const g = new Float64Array(d);
        for (let i = 0; i < examples.length; i++) for (let j = 0; j < d; j++) g[j]! += G[i * d + j]!;
        for (let j = 0; j < d; j++) g[j]! += l2 * params[j]!;
        gnorm = Math.sqrt(g.reduce((a, v) => a + v * v, 0));
        const H = model.hessian(examples);
        cholesky(H, d);
        const step = Float64Array.from(g);
        choleskySolve(H, d, step);
        // Backtracking keeps Newton monotone far from the optimum (logistic loss is not quadratic).
        let t = 1;
        let next = params.map((v, j) => v - step[j]!);
        let fn = objective(next);
        while (fn > f + 1e-12 * Math.abs(f) && t > 1e-8) {
          t /= 2;
          next = params.map((v, j) => v - t * step[j]!);
          fn = objective(next);
        }
        params = next;
        f = fn;
        fitOpts.onProgress?.({ phase: 'fit', done: it + 1, total: maxIter });
        let maxStep = 0;
        for (const s of step) maxStep = Math.max(maxStep, Math.abs(t * s));
        if (maxStep < tol || kind === 'linear') {
          it++;
          break;
        }
      }
      return { iterations: it, gradientNorm: gnorm };
    },
  };
  return model;
}
