import { InfluenceError } from './errors.js';
import { type InfluenceProgress, throwIfAborted } from './progress.js';
import type { Example, InfluenceModel } from './types.js';

/** Options of {@link loraLinear}. */
export interface LoraLinearOptions {
  numFeatures: number;
  numClasses: number;
  rank: number;
  /** Frozen base weight W₀, numClasses × (numFeatures + 1) with the bias last. Default zeros. */
  baseWeight?: Float64Array;
  /** LoRA alpha; the update is (alpha / rank)·B·A. Default `rank` (scale 1). */
  alpha?: number;
  /** L2 coefficient on A and B. */
  l2: number;
  /** Starting A (rank × (numFeatures+1)) and B (numClasses × rank). Default: seeded small A, zero B (the usual LoRA init). */
  A?: Float64Array;
  B?: Float64Array;
  seed?: number;
}

/** Options of {@link LoraLinearModel.fit}. */
export interface LoraFitOptions {
  /** Full-batch Adam steps. Default 500. */
  steps?: number;
  learningRate?: number;
  onProgress?: (p: InfluenceProgress) => void;
  signal?: AbortSignal;
}

/** A softmax classifier over a frozen linear layer plus a trainable LoRA adapter. */
export interface LoraLinearModel extends InfluenceModel<Example> {
  hvp(examples: readonly Example[], v: Float64Array): Float64Array;
  /** Class logits, numClasses per example. */
  predict(examples: readonly Example[], at?: Float64Array): Float64Array;
  /** Train A and B by full-batch Adam on Σ ℓ + ½·l2·‖θ‖², in place. */
  fit(examples: readonly Example[], opts?: LoraFitOptions): { gradientNorm: number };
}

/**
 * A linear classifier logits = (W₀ + (α/r)·B·A)·[x, 1] with W₀ frozen and a LoRA adapter (A, B)
 * trained; per-example gradients with respect to A and B and exact Hessian-vector products in
 * closed form. Parameters are laid out A then B; `layers` is one block (the LoRA module).
 *
 * @example
 * import { loraLinear, dataInf } from '@openledger/attribution';
 * const train = [{ x: [1, 0], y: 1 }, { x: [0, 1], y: 0 }];
 * const model = loraLinear({ numFeatures: 2, numClasses: 2, rank: 1, l2: 0.01 });
 * model.fit(train, { steps: 200 });
 * const { scores } = dataInf({ model, train, test: [{ x: [1, 0.1], y: 1 }] });
 */
export function loraLinear(opts: LoraLinearOptions): LoraLinearModel {
  const { numFeatures: p, numClasses: c, rank: r, l2 } = opts;
  for (const [k, v] of [
    ['numFeatures', p],
    ['numClasses', c],
    ['rank', r],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < (k === 'numClasses' ? 2 : 1)) {
      throw new InfluenceError(
        'INVALID_INPUT',
        `${k} must be a positive integer${k === 'numClasses' ? ' ≥ 2' : ''}.`,
      );
    }
  }
  if (!(l2 >= 0 && Number.isFinite(l2)))
    throw new InfluenceError('INVALID_INPUT', 'l2 must be finite and ≥ 0.');
  const q = p + 1;
  const nA = r * q;
  const d = nA + c * r;
  const s = (opts.alpha ?? r) / r;
  const W0 = opts.baseWeight ?? new Float64Array(c * q);
  if (W0.length !== c * q)
    throw new InfluenceError('SHAPE_MISMATCH', `baseWeight must have ${c} × ${q} values.`);
  let params: Float64Array = new Float64Array(d);
  if (opts.A) {
    if (opts.A.length !== nA) throw new InfluenceError('SHAPE_MISMATCH', `A must have ${r} × ${q} values.`);
    params.set(opts.A, 0);
  } else {
    let st = (opts.seed ?? 1) >>> 0 || 1;
    for (let i = 0; i < nA; i++) {
      st = (Math.imul(st, 1664525) + 1013904223) >>> 0;
      params[i] = ((st / 2 ** 32) * 2 - 1) / Math.sqrt(q);
    }
  }
  if (opts.B) {
    if (opts.B.length !== c * r)
      throw new InfluenceError('SHAPE_MISMATCH', `B must have ${c} × ${r} values.`);
    params.set(opts.B, nA);
  }

  const xOf = (e: Example, i: number): Float64Array => {
    if (!e || e.x == null || e.x.length !== p)
      throw new InfluenceError('SHAPE_MISMATCH', `examples[${i}].x must have ${p} features.`);
    if (!(Number.isInteger(e.y) && e.y >= 0 && e.y < c))
      throw new InfluenceError('INVALID_INPUT', `examples[${i}].y must be a class index < ${c}.`);
    const x = new Float64Array(q);
    for (let j = 0; j < p; j++) {
      const v = e.x[j]!;
      if (!Number.isFinite(v))
        throw new InfluenceError('INVALID_INPUT', `examples[${i}].x[${j}] is not finite.`);
      x[j] = v;
    }
    x[p] = 1;
    return x;
  };

  /** Forward pass for one example: u = A·x, z = W₀x + s·B·u, softmax probabilities. */
  const forward = (th: Float64Array, x: Float64Array) => {
    const u = new Float64Array(r);
    for (let a = 0; a < r; a++) {
      let t = 0;
      for (let j = 0; j < q; j++) t += th[a * q + j]! * x[j]!;
      u[a] = t;
    }
    const z = new Float64Array(c);
    let m = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < c; k++) {
      let t = 0;
      for (let j = 0; j < q; j++) t += W0[k * q + j]! * x[j]!;
      for (let a = 0; a < r; a++) t += s * th[nA + k * r + a]! * u[a]!;
      z[k] = t;
      m = Math.max(m, t);
    }
    let sum = 0;
    const pr = new Float64Array(c);
    for (let k = 0; k < c; k++) sum += pr[k] = Math.exp(z[k]! - m);
    for (let k = 0; k < c; k++) pr[k]! /= sum;
    return { u, z, pr, lse: m + Math.log(sum) };
  };

  /** Adds the gradient of ℓ for one example (scaled by w) into out at offset o. */
  const addGrad = (th: Float64Array, x: Float64Array, y: number, out: Float64Array, o: number, w = 1) => {
    const { u, pr } = forward(th, x);
    const delta = pr;
    delta[y]! -= 1;
    for (let k = 0; k < c; k++)
      for (let a = 0; a < r; a++) out[o + nA + k * r + a]! += w * s * delta[k]! * u[a]!;
    for (let a = 0; a < r; a++) {
      let bd = 0;
      for (let k = 0; k < c; k++) bd += th[nA + k * r + a]! * delta[k]!;
      const f = w * s * bd;
      if (f !== 0) for (let j = 0; j < q; j++) out[o + a * q + j]! += f * x[j]!;
    }
  };

  const model: LoraLinearModel = {
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
    layers: [{ name: 'lora', offset: 0, size: d }],
    predict(examples, at = params) {
      const out = new Float64Array(examples.length * c);
      for (let i = 0; i < examples.length; i++) out.set(forward(at, xOf(examples[i]!, i)).z, i * c);
      return out;
    },
    losses(examples, at = params) {
      return Float64Array.from(examples, (e, i) => {
        const f = forward(at, xOf(e, i));
        return f.lse - f.z[e.y]!;
      });
    },
    gradients(examples, at = params) {
      const G = new Float64Array(examples.length * d);
      for (let i = 0; i < examples.length; i++) addGrad(at, xOf(examples[i]!, i), examples[i]!.y, G, i * d);
      return G;
    },
    hvp(examples, v) {
      if (v.length !== d) throw new InfluenceError('SHAPE_MISMATCH', `v must have ${d} values.`);
      const th = params;
      const out = new Float64Array(d);
      const du = new Float64Array(r);
      const dz = new Float64Array(c);
      examples.forEach((e, i) => {
        const x = xOf(e, i);
        const { u, pr } = forward(th, x);
        const delta = Float64Array.from(pr);
        delta[e.y]! -= 1;
        for (let a = 0; a < r; a++) {
          let t = 0;
          for (let j = 0; j < q; j++) t += v[a * q + j]! * x[j]!;
          du[a] = t;
        }
        let pdz = 0;
        for (let k = 0; k < c; k++) {
          let t = 0;
          for (let a = 0; a < r; a++) t += v[nA + k * r + a]! * u[a]! + th[nA + k * r + a]! * du[a]!;
          dz[k] = s * t;
          pdz += pr[k]! * dz[k]!;
        }
        // dδ = (diag(p) − ppᵀ)·dz
        for (let k = 0; k < c; k++) dz[k] = pr[k]! * (dz[k]! - pdz);
        for (let k = 0; k < c; k++) {
          for (let a = 0; a < r; a++) out[nA + k * r + a]! += s * (dz[k]! * u[a]! + delta[k]! * du[a]!);
        }
        for (let a = 0; a < r; a++) {
          let t = 0;
          for (let k = 0; k < c; k++) t += v[nA + k * r + a]! * delta[k]! + th[nA + k * r + a]! * dz[k]!;
          const f = s * t;
          if (f !== 0) for (let j = 0; j < q; j++) out[a * q + j]! += f * x[j]!;
        }
      });
      for (let j = 0; j < d; j++) out[j]! += l2 * v[j]!;
      return out;
    },
    fit(examples, fitOpts = {}) {
      const steps = fitOpts.steps ?? 500;
      const lr = fitOpts.learningRate ?? 0.05;
      const xs = examples.map(xOf);
      const m1 = new Float64Array(d);
      const m2 = new Float64Array(d);
      const g = new Float64Array(d);
      let gn = 0;
      for (let t = 1; t <= steps; t++) {
        if ((t & 15) === 0) throwIfAborted(fitOpts.signal);
        g.fill(0);
        for (let i = 0; i < xs.length; i++) addGrad(params, xs[i]!, examples[i]!.y, g, 0);
        gn = 0;
        // Linear decay lets Adam settle on the stationary point influence functions assume.
        const lrT = lr * (1 - (t - 1) / steps);
        for (let j = 0; j < d; j++) {
          g[j]! += l2 * params[j]!;
          gn += g[j]! * g[j]!;
          m1[j] = 0.9 * m1[j]! + 0.1 * g[j]!;
          m2[j] = 0.999 * m2[j]! + 0.001 * g[j]! * g[j]!;
          params[j]! -= (lrT * (m1[j]! / (1 - 0.9 ** t))) / (Math.sqrt(m2[j]! / (1 - 0.999 ** t)) + 1e-12);
        }
        if ((t & 31) === 0) fitOpts.onProgress?.({ phase: 'fit', done: t, total: steps });
      }
      return { gradientNorm: Math.sqrt(gn) };
    },
  };
  return model;
}
