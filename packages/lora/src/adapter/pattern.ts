import { AdapterError } from '../errors.js';

const cache = /* @__PURE__ */ new Map<string, RegExp>();

/**
 * PEFT's rule for `rank_pattern` / `alpha_pattern`: the first pattern key `k` (in config order)
 * for which the module name matches `^(.*\.)?(k)$` wins; keys are regular expressions.
 */
export function findPatternKey(patternKeys: readonly string[], moduleName: string): string | undefined {
  for (const key of patternKeys) {
    let re = cache.get(key);
    if (!re) {
      try {
        re = new RegExp(`^(?:.*\\.)?(?:${key})$`, 's');
      } catch (cause) {
        throw new AdapterError('INVALID_CONFIG', `Pattern "${key}" is not a valid regular expression.`, {
          cause,
        });
      }
      if (cache.size > 1000) cache.clear();
      cache.set(key, re);
    }
    if (re.test(moduleName)) return key;
  }
  return undefined;
}

/**
 * PEFT's rule for `target_modules`: a string is a regular expression matched against the
 * whole module name; a list matches a name equal to an entry or ending in `.entry`.
 */
export function matchesTarget(target: string | readonly string[] | null, moduleName: string): boolean {
  if (target === null) return false;
  if (typeof target === 'string') {
    if (target === 'all-linear') return true;
    try {
      return new RegExp(`^(?:${target})$`, 's').test(moduleName);
    } catch (cause) {
      throw new AdapterError(
        'INVALID_CONFIG',
        `target_modules "${target}" is not a valid regular expression.`,
        {
          cause,
        },
      );
    }
  }
  return target.some((t) => moduleName === t || moduleName.endsWith(`.${t}`));
}

/** Rank, alpha and scaling of one module under a config's patterns. */
export function moduleScaling(
  config: {
    r: number;
    lora_alpha: number;
    use_rslora: boolean;
    rank_pattern: Record<string, number>;
    alpha_pattern: Record<string, number>;
  },
  moduleName: string,
): { r: number; alpha: number; scaling: number } {
  const rk = findPatternKey(Object.keys(config.rank_pattern), moduleName);
  const ak = findPatternKey(Object.keys(config.alpha_pattern), moduleName);
  const r = rk === undefined ? config.r : config.rank_pattern[rk]!;
  const alpha = ak === undefined ? config.lora_alpha : config.alpha_pattern[ak]!;
  return { r, alpha, scaling: config.use_rslora ? alpha / Math.sqrt(r) : alpha / r };
}
