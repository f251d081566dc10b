import { ValidationError } from '@openledger/core';
import type { JsonSchema } from '../spec/defineDatanet.js';

/** A problem found in one row value. */
export interface RowProblem {
  path: Array<string | number>;
  message: string;
}

/** Compiled check: appends problems for `value`, returns false when anything failed. */
export type CompiledCheck = (value: unknown, path: Array<string | number>, out: RowProblem[]) => boolean;

const ANNOTATIONS = /* @__PURE__ */ new Set([
  '$schema',
  '$id',
  '$comment',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'format',
]);
const KNOWN = /* @__PURE__ */ new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
]);

const MAX_DEPTH = 32;

/** Unicode code points in a string (what JSON Schema's minLength/maxLength count). */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function fail(msg: string): never {
  throw new ValidationError(`Unsupported row JSON Schema: ${msg}`, { docsPath: '/datanet/specs#row-schema' });
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka)
    if (
      !Object.hasOwn(b, k) ||
      !deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
    )
      return false;
  return true;
}

/**
 * Compile the JSON Schema subset used for row schemas (type, properties, required,
 * additionalProperties, enum, const, string/number/array bounds, pattern, items, anyOf/oneOf/
 * allOf/not) into closures, once per spec. `$ref` and unknown keywords throw: a schema we
 * cannot fully enforce must not silently accept rows.
 */
export function compileJsonSchema(schema: JsonSchema | boolean, depth = 0): CompiledCheck {
  if (depth > MAX_DEPTH) fail('nested too deeply');
  if (schema === true) return () => true;
  if (schema === false)
    return (_v, path, out) => {
      out.push({ path: [...path], message: 'No value is allowed here' });
      return false;
    };
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    fail('a schema must be an object');
  for (const k of Object.keys(schema)) if (!KNOWN.has(k) && !ANNOTATIONS.has(k)) fail(`keyword "${k}"`);
  const checks: CompiledCheck[] = [];
  const s = schema as Record<string, unknown>;

  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as unknown[]) : [s.type];
    for (const t of types)
      if (!['string', 'number', 'integer', 'boolean', 'null', 'object', 'array'].includes(t as string))
        fail(`type "${String(t)}"`);
    const set = new Set(types as string[]);
    const label = types.join(' or ');
    checks.push((v, path, out) => {
      const t = typeOf(v);
      if (set.has(t) || (t === 'integer' && set.has('number'))) return true;
      out.push({ path: [...path], message: `Expected ${label}, got ${t}` });
      return false;
    });
  }
  if (s.enum !== undefined) {
    if (!Array.isArray(s.enum)) fail('enum must be an array');
    const values = s.enum as unknown[];
    checks.push((v, path, out) => {
      if (values.some((e) => deepEqual(e, v))) return true;
      out.push({ path: [...path], message: `Expected one of ${JSON.stringify(values).slice(0, 200)}` });
      return false;
    });
  }
  if (s.const !== undefined) {
    const c = s.const;
    checks.push((v, path, out) => {
      if (deepEqual(c, v)) return true;
      out.push({ path: [...path], message: `Expected ${JSON.stringify(c).slice(0, 100)}` });
      return false;
    });
  }
  const num = (k: string) => {
    if (s[k] === undefined) return undefined;
    if (typeof s[k] !== 'number' || !Number.isFinite(s[k])) fail(`${k} must be a number`);
    return s[k] as number;
  };
  const minLength = num('minLength');
  const maxLength = num('maxLength');
  const pattern = s.pattern === undefined ? undefined : new RegExp(String(s.pattern), 'u');
  if (minLength !== undefined || maxLength !== undefined || pattern)
    checks.push((v, path, out) => {
      if (typeof v !== 'string') return true;
      // UTF-16 length bounds code points from above and below (within a factor of 2); count only when needed.
      if (minLength !== undefined && v.length < minLength * 2 && codePointLength(v) < minLength) {
        out.push({ path: [...path], message: `Must be at least ${minLength} characters` });
        return false;
      }
      if (maxLength !== undefined && v.length > maxLength && codePointLength(v) > maxLength) {
        out.push({ path: [...path], message: `Must be at most ${maxLength} characters` });
        return false;
      }
      if (pattern && !pattern.test(v)) {
        out.push({ path: [...path], message: `Must match ${pattern.source}` });
        return false;
      }
      return true;
    });
  const minimum = num('minimum');
  const maximum = num('maximum');
  const exMin = num('exclusiveMinimum');
  const exMax = num('exclusiveMaximum');
  const multipleOf = num('multipleOf');
  if ([minimum, maximum, exMin, exMax, multipleOf].some((x) => x !== undefined))
    checks.push((v, path, out) => {
      if (typeof v !== 'number') return true;
      let msg: string | null = null;
      if (minimum !== undefined && v < minimum) msg = `Must be >= ${minimum}`;
      else if (maximum !== undefined && v > maximum) msg = `Must be <= ${maximum}`;
      else if (exMin !== undefined && v <= exMin) msg = `Must be > ${exMin}`;
      else if (exMax !== undefined && v >= exMax) msg = `Must be < ${exMax}`;
      else if (multipleOf !== undefined && Math.abs(v / multipleOf - Math.round(v / multipleOf)) > 1e-9)
        msg = `Must be a multiple of ${multipleOf}`;
      if (msg === null) return true;
      out.push({ path: [...path], message: msg });
      return false;
    });

  if (s.properties !== undefined || s.required !== undefined || s.additionalProperties !== undefined) {
    const props = (s.properties ?? {}) as Record<string, JsonSchema | boolean>;
    if (typeof props !== 'object' || Array.isArray(props)) fail('properties must be an object');
    const compiled = new Map<string, CompiledCheck>();
    for (const k of Object.keys(props)) compiled.set(k, compileJsonSchema(props[k]!, depth + 1));
    const required = (s.required ?? []) as string[];
    if (!Array.isArray(required) || required.some((r) => typeof r !== 'string'))
      fail('required must be an array of strings');
    const ap = s.additionalProperties;
    const extra =
      ap === undefined || ap === true ? null : compileJsonSchema(ap as JsonSchema | boolean, depth + 1);
    checks.push((v, path, out) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return true;
      const o = v as Record<string, unknown>;
      let ok = true;
      for (const r of required)
        if (!Object.hasOwn(o, r)) {
          out.push({ path: [...path, r], message: 'Required' });
          ok = false;
        }
      for (const [k, check] of compiled)
        if (Object.hasOwn(o, k)) {
          path.push(k);
          if (!check(o[k], path, out)) ok = false;
          path.pop();
        }
      if (extra)
        for (const k of Object.keys(o))
          if (!compiled.has(k)) {
            path.push(k);
            if (ap === false) {
              out.push({ path: [...path], message: 'Unexpected field' });
              ok = false;
            } else if (!extra(o[k], path, out)) ok = false;
            path.pop();
          }
      return ok;
    });
  }
  const minProps = num('minProperties');
  const maxProps = num('maxProperties');
  if (minProps !== undefined || maxProps !== undefined)
    checks.push((v, path, out) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return true;
      const n = Object.keys(v).length;
      if ((minProps === undefined || n >= minProps) && (maxProps === undefined || n <= maxProps)) return true;
      out.push({
        path: [...path],
        message: `Must have between ${minProps ?? 0} and ${maxProps ?? '∞'} fields`,
      });
      return false;
    });

  if (s.items !== undefined || s.minItems !== undefined || s.maxItems !== undefined || s.uniqueItems) {
    if (Array.isArray(s.items)) fail('tuple "items" arrays');
    const item = s.items === undefined ? null : compileJsonSchema(s.items as JsonSchema | boolean, depth + 1);
    const minItems = num('minItems');
    const maxItems = num('maxItems');
    const unique = s.uniqueItems === true;
    checks.push((v, path, out) => {
      if (!Array.isArray(v)) return true;
      let ok = true;
      if (minItems !== undefined && v.length < minItems) {
        out.push({ path: [...path], message: `Must have at least ${minItems} items` });
        ok = false;
      }
      if (maxItems !== undefined && v.length > maxItems) {
        out.push({ path: [...path], message: `Must have at most ${maxItems} items` });
        ok = false;
      }
      if (unique) {
        const seen = new Set<string>();
        for (const x of v) {
          const key = JSON.stringify(x);
          if (seen.has(key)) {
            out.push({ path: [...path], message: 'Items must be unique' });
            ok = false;
            break;
          }
          seen.add(key);
        }
      }
      if (item)
        for (let i = 0; i < v.length; i++) {
          path.push(i);
          if (!item(v[i], path, out)) ok = false;
          path.pop();
        }
      return ok;
    });
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (s[key] === undefined) continue;
    if (!Array.isArray(s[key]) || (s[key] as unknown[]).length === 0)
      fail(`${key} must be a non-empty array`);
    const branches = (s[key] as Array<JsonSchema | boolean>).map((b) => compileJsonSchema(b, depth + 1));
    checks.push((v, path, out) => {
      let passed = 0;
      for (const b of branches) if (b(v, path, [])) passed++;
      if (key === 'anyOf' ? passed > 0 : passed === 1) return true;
      out.push({
        path: [...path],
        message:
          key === 'anyOf' ? 'Matches none of the allowed shapes' : 'Must match exactly one allowed shape',
      });
      return false;
    });
  }
  if (s.allOf !== undefined) {
    if (!Array.isArray(s.allOf)) fail('allOf must be an array');
    const all = (s.allOf as Array<JsonSchema | boolean>).map((b) => compileJsonSchema(b, depth + 1));
    checks.push((v, path, out) => {
      let ok = true;
      for (const b of all) if (!b(v, path, out)) ok = false;
      return ok;
    });
  }
  if (s.not !== undefined) {
    const not = compileJsonSchema(s.not as JsonSchema | boolean, depth + 1);
    checks.push((v, path, out) => {
      if (!not(v, path, [])) return true;
      out.push({ path: [...path], message: 'Matches a shape that is not allowed' });
      return false;
    });
  }
  if (checks.length === 1) return checks[0]!;
  return (v, path, out) => {
    let ok = true;
    for (const c of checks) if (!c(v, path, out)) ok = false;
    return ok;
  };
}
