import type { AdapterConfig } from '../adapter/AdapterConfigSchema.js';
import type { LoraAdapter, LoraModule } from '../adapter/types.js';
import { AdapterError } from '../errors.js';
import { lowRankProduct } from '../math/gemm.js';
import { mulberry32 } from '../math/prng.js';
import { denseSvd, lowRankSvd, type Svd } from '../math/svd.js';
import { toFloat32 } from '../safetensors/toFloat32.js';
import {
  dareTies,
  type MajoritySignMethod,
  magnitudePrune,
  randomPrune,
  ties,
  weightedSum,
} from './taskArithmetic.js';

/** Combination methods of PEFT's `add_weighted_adapter`. */
export type ComposeMethod =
  | 'linear'
  | 'cat'
  | 'svd'
  | 'ties'
  | 'ties_svd'
  | 'dare_linear'
  | 'dare_linear_svd'
  | 'dare_ties'
  | 'dare_ties_svd'
  | 'magnitude_prune'
  | 'magnitude_prune_svd';

/** Options of {@link composeAdapters}. */
export interface ComposeAdaptersOptions {
  /** One weight per adapter. */
  weights: number[];
  /** Default `svd`, as in PEFT. */
  method?: ComposeMethod;
  /** Fraction of entries kept by ties / dare / magnitude_prune methods, in (0, 1]. */
  density?: number;
  /** TIES sign election. Default `total`. */
  majoritySignMethod?: MajoritySignMethod;
  /** Rank of svd-family results. Default: the largest input rank. */
  svdRank?: number;
  /** Clamp svd factors to this quantile of their values (PEFT's `svd_clamp`). */
  svdClamp?: number;
  /** Seed of DARE's masks and the randomized SVD. Default 0. */
  seed?: number;
  /**
   * Accept rsLoRA inputs: their alpha/√r scaling is folded into the factors and the result is a
   * plain LoRA with scaling 1. Without it rsLoRA inputs are refused.
   */
  foldRsLora?: boolean;
}

/** What {@link composeAdapters} returns: a new adapter with lora_alpha = r (scaling 1). */
export type ComposeAdaptersReturnType = LoraAdapter;

const SVD_METHODS = /* @__PURE__ */ new Set<ComposeMethod>([
  'svd',
  'ties_svd',
  'dare_linear_svd',
  'dare_ties_svd',
  'magnitude_prune_svd',
]);
const LINEAR_METHODS = /* @__PURE__ */ new Set<ComposeMethod>([
  'linear',
  'ties',
  'dare_linear',
  'dare_ties',
  'magnitude_prune',
]);
const NEEDS_DENSITY = /* @__PURE__ */ new Set<ComposeMethod>([
  'ties',
  'ties_svd',
  'dare_linear',
  'dare_linear_svd',
  'dare_ties',
  'dare_ties_svd',
  'magnitude_prune',
  'magnitude_prune_svd',
]);

/**
 * Combine adapters into one, with the semantics of PEFT's `add_weighted_adapter`:
 * - `cat`: A = [wᵢsᵢAᵢ] stacked, B = [Bᵢ] side by side; rank Σrᵢ; exactly Σ wᵢsᵢBᵢAᵢ.
 * - `linear`, `ties`, `dare_linear`, `dare_ties`, `magnitude_prune`: the method is applied to
 *   the A factors and to the B factors separately, each weighted by √(wᵢsᵢ); ranks must match.
 * - `*_svd`: the method is applied to the delta weights ΔWᵢ = sᵢBᵢAᵢ weighted by wᵢsᵢ (PEFT
 *   scales by sᵢ twice here; pass wᵢ/sᵢ to scale once), then a truncated SVD gives B = U·S, A = Vᵀ.
 * The result has lora_alpha = r, so its scaling is 1. DARE masks come from `seed`. DoRA inputs
 * are refused; rsLoRA inputs only with `foldRsLora`.
 *
 * @throws {AdapterError} `INVALID_ARGUMENT` for bad options, `UNSUPPORTED_VARIANT` for DoRA /
 *   unfolded rsLoRA / mixed fan_in_fan_out, `SHAPE_MISMATCH` for incompatible modules.
 * @example
 * import { composeAdapters } from '@openledger/lora';
 * declare const legal: import('@openledger/lora').LoraAdapter;
 * declare const medical: import('@openledger/lora').LoraAdapter;
 * const both = composeAdapters([legal, medical], { weights: [0.7, 0.3], method: 'ties', density: 0.5 });
 */
export function composeAdapters(
  adapters: LoraAdapter[],
  opts: ComposeAdaptersOptions,
): ComposeAdaptersReturnType {
  const method = opts.method ?? 'svd';
  const { weights } = opts;
  if (!SVD_METHODS.has(method) && !LINEAR_METHODS.has(method) && method !== 'cat')
    throw new AdapterError('INVALID_ARGUMENT', `Unknown combination method "${method}".`);
  if (adapters.length === 0)
    throw new AdapterError('INVALID_ARGUMENT', 'composeAdapters needs at least one adapter.');
  if (!Array.isArray(weights) || weights.length !== adapters.length || !weights.every(Number.isFinite))
    throw new AdapterError('INVALID_ARGUMENT', `Pass one finite weight per adapter (${adapters.length}).`);
  const density = opts.density;
  if (NEEDS_DENSITY.has(method) && (density === undefined || !(density > 0 && density <= 1)))
    throw new AdapterError('INVALID_ARGUMENT', `Method "${method}" needs a density in (0, 1].`);
  const signMethod = opts.majoritySignMethod ?? 'total';
  if (signMethod !== 'total' && signMethod !== 'frequency')
    throw new AdapterError('INVALID_ARGUMENT', `majoritySignMethod must be "total" or "frequency".`);
  adapters.forEach((a, i) => {
    if (a.config.use_dora || a.modules.some((m) => m.magnitude))
      throw new AdapterError(
        'UNSUPPORTED_VARIANT',
        `Adapter ${i} uses DoRA; its magnitude vector depends on the base weights, so it cannot be composed as plain LoRA. Merge it into the base with mergeAdapter instead.`,
      );
    if (a.config.use_rslora && !opts.foldRsLora)
      throw new AdapterError(
        'UNSUPPORTED_VARIANT',
        `Adapter ${i} uses rsLoRA (scaling alpha/√r). Pass foldRsLora: true to fold its scaling into the result, which is then plain LoRA with scaling 1.`,
      );
  });
  const fanInFanOut = adapters[0]!.config.fan_in_fan_out;
  if (adapters.some((a) => a.config.fan_in_fan_out !== fanInFanOut))
    throw new AdapterError('UNSUPPORTED_VARIANT', 'Adapters disagree on fan_in_fan_out.');
  if (LINEAR_METHODS.has(method)) {
    const ranks = new Set(adapters.map((a) => a.config.r));
    if (ranks.size !== 1)
      throw new AdapterError(
        'INVALID_ARGUMENT',
        `Method "${method}" needs adapters of equal rank (got ${[...ranks]}).`,
      );
    weights.forEach((w, i) => {
      if (adapters[i]!.modules.some((m) => w * m.scaling < 0))
        throw new AdapterError(
          'INVALID_ARGUMENT',
          `Method "${method}" takes √(weight·scaling); weight ${w} makes it negative.`,
        );
    });
  }
  const maxRank = Math.max(...adapters.map((a) => a.config.r));
  const catRank = adapters.reduce((s, a) => s + a.config.r, 0);
  if (opts.svdRank !== undefined && !(Number.isInteger(opts.svdRank) && opts.svdRank > 0))
    throw new AdapterError('INVALID_ARGUMENT', 'svdRank must be a positive integer.');

  // Group modules by name across adapters.
  const byName = new Map<string, { m: LoraModule; w: number }[]>();
  adapters.forEach((a, i) => {
    for (const m of a.modules) {
      let list = byName.get(m.name);
      if (!list) {
        list = [];
        byName.set(m.name, list);
      }
      list.push({ m, w: weights[i]! });
    }
  });
  let newRank =
    method === 'cat' ? catRank : SVD_METHODS.has(method) ? (opts.svdRank ?? maxRank) : adapters[0]!.config.r;
  if (method === 'cat')
    for (const list of byName.values())
      newRank = Math.max(
        newRank,
        list.reduce((s, x) => s + x.m.r, 0),
      );
  const rand = mulberry32(opts.seed ?? 0);
  const modules: LoraModule[] = [];
  for (const [name, list] of [...byName].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const first = list[0]!.m;
    for (const { m } of list)
      if (m.inFeatures !== first.inFeatures || m.outFeatures !== first.outFeatures || m.kind !== first.kind)
        throw new AdapterError(
          'SHAPE_MISMATCH',
          `Module "${name}" has different shapes in different adapters.`,
          { module: name },
        );
    const inF = first.inFeatures;
    const outF = first.outFeatures;
    let A: Float32Array;
    let B: Float32Array;
    if (method === 'cat') {
      A = new Float32Array(newRank * inF);
      B = new Float32Array(outF * newRank);
      let row = 0;
      for (const { m, w } of list) {
        const a = toFloat32(m.A);
        const b = toFloat32(m.B);
        const f = w * m.scaling;
        for (let i = 0; i < m.r * inF; i++) A[row * inF + i] = a[i]! * f;
        for (let o = 0; o < outF; o++)
          for (let p = 0; p < m.r; p++) B[o * newRank + row + p] = b[o * m.r + p]!;
        row += m.r;
      }
    } else if (LINEAR_METHODS.has(method)) {
      for (const { m } of list)
        if (m.r !== first.r)
          throw new AdapterError(
            'SHAPE_MISMATCH',
            `Module "${name}" has different ranks; "${method}" needs equal ranks.`,
            {
              module: name,
            },
          );
      const ws = list.map(({ m, w }) => Math.sqrt(w * m.scaling));
      const combine = (ts: Float32Array[]) => combineTensors(method, ts, ws, density!, signMethod, rand);
      A = combine(list.map(({ m }) => toFloat32(m.A)));
      B = combine(list.map(({ m }) => toFloat32(m.B)));
      newRank = first.r;
    } else {
      const ws = list.map(({ m, w }) => w * m.scaling);
      let svd: Svd;
      if (method === 'svd') {
        // Σ wᵢsᵢ·(sᵢBᵢAᵢ) is itself low rank: [B₁…Bₙ]·[w₁s₁²A₁; …]. Decompose without forming it.
        const R = list.reduce((s, x) => s + x.m.r, 0);
        const Bc = new Float64Array(outF * R);
        const Ac = new Float64Array(R * inF);
        let row = 0;
        list.forEach(({ m }, i) => {
          const a = toFloat32(m.A);
          const b = toFloat32(m.B);
          const f = ws[i]! * m.scaling;
          for (let j = 0; j < m.r * inF; j++) Ac[row * inF + j] = a[j]! * f;
          for (let o = 0; o < outF; o++) for (let p = 0; p < m.r; p++) Bc[o * R + row + p] = b[o * m.r + p]!;
          row += m.r;
        });
        svd = lowRankSvd(Bc, Ac, outF, R, inF, newRank);
      } else {
        const deltas = list.map(({ m }) =>
          lowRankProduct(toFloat32(m.B), toFloat32(m.A), outF, m.r, inF, m.scaling),
        );
        const base = method.slice(0, -'_svd'.length) as ComposeMethod;
        const dense = combineTensors(base === 'ties' ? 'ties' : base, deltas, ws, density!, signMethod, rand);
        svd = denseSvd(dense, outF, inF, newRank, opts.seed ?? 0);
      }
      ({ A, B } = svdFactors(svd, newRank, opts.svdClamp));
    }
    modules.push({
      name,
      kind: first.kind,
      r: newRank,
      alpha: newRank,
      scaling: 1,
      inFeatures: inF,
      outFeatures: outF,
      A: { dtype: 'F32', shape: [newRank, inF], data: A },
      B: { dtype: 'F32', shape: [outF, newRank], data: B },
      fanInFanOut: first.fanInFanOut,
    });
  }
  // Modules rank-padded to a common r keep the config free of rank_pattern.
  for (const m of modules) if (m.r !== newRank) padRank(m, newRank);
  const config: AdapterConfig = {
    ...adapters[0]!.config,
    r: newRank,
    lora_alpha: newRank,
    use_rslora: false,
    rank_pattern: {},
    alpha_pattern: {},
    target_modules: unionTargets(adapters.map((a) => a.config.target_modules)),
  };
  return { config, modules, extraTensors: new Map(), metadata: {}, lineage: undefined };
}

function combineTensors(
  method: ComposeMethod,
  ts: Float32Array[],
  ws: number[],
  density: number,
  signMethod: MajoritySignMethod,
  rand: () => number,
): Float32Array {
  switch (method) {
    case 'linear':
    case 'svd':
      return weightedSum(ts, ws);
    case 'ties':
      return ties(ts, ws, density, signMethod);
    case 'dare_linear':
      return weightedSum(
        ts.map((t) => randomPrune(t, density, rand)),
        ws,
      );
    case 'dare_ties':
      return dareTies(ts, ws, density, signMethod, rand);
    case 'magnitude_prune':
      return weightedSum(
        ts.map((t) => magnitudePrune(t, density)),
        ws,
      );
    default:
      throw new AdapterError('INVALID_ARGUMENT', `Unknown combination method "${method}".`);
  }
}

/** B = U·diag(S) (out×k), A = Vᵀ (k×in), zero-padded when the matrix has fewer than k singular values. */
function svdFactors(s: Svd, k: number, clamp: number | undefined): { A: Float32Array; B: Float32Array } {
  const B = new Float32Array(s.m * k);
  const A = new Float32Array(k * s.n);
  for (let i = 0; i < s.m; i++) for (let j = 0; j < s.k; j++) B[i * k + j] = s.U[i * s.k + j]! * s.S[j]!;
  for (let j = 0; j < s.k; j++) for (let c = 0; c < s.n; c++) A[j * s.n + c] = s.V[c * s.k + j]!;
  if (clamp !== undefined) {
    if (!(clamp >= 0 && clamp <= 1))
      throw new AdapterError('INVALID_ARGUMENT', 'svdClamp must be in [0, 1].');
    const all = new Float64Array(B.length + A.length);
    all.set(B);
    all.set(A, B.length);
    all.sort();
    const pos = clamp * (all.length - 1);
    const lo = Math.floor(pos);
    const hi = all[lo]! + (all[Math.min(lo + 1, all.length - 1)]! - all[lo]!) * (pos - lo);
    for (const arr of [A, B])
      for (let i = 0; i < arr.length; i++) arr[i] = Math.min(hi, Math.max(-hi, arr[i]!));
  }
  return { A, B };
}

function padRank(m: LoraModule, r: number): void {
  const A = new Float32Array(r * m.inFeatures);
  A.set(m.A.data as Float32Array);
  const B = new Float32Array(m.outFeatures * r);
  const b = m.B.data as Float32Array;
  for (let o = 0; o < m.outFeatures; o++) for (let p = 0; p < m.r; p++) B[o * r + p] = b[o * m.r + p]!;
  m.A = { dtype: 'F32', shape: [r, m.inFeatures], data: A };
  m.B = { dtype: 'F32', shape: [m.outFeatures, r], data: B };
  m.r = r;
  m.alpha = r;
}

function unionTargets(targets: (string | string[] | null)[]): string | string[] | null {
  const present = targets.filter((t): t is string | string[] => t !== null);
  if (present.length === 0) return null;
  if (present.some((t) => typeof t === 'string'))
    return present
      .map((t) => (typeof t === 'string' ? `(?:${t})` : `(?:.*\\.)?(?:${t.join('|')})`))
      .join('|');
  return [...new Set(present.flat())].sort();
}
