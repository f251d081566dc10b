import { ValidationError } from '../errors/errors.js';

/** Nesting deeper than this is refused, so hostile input cannot overflow the stack. */
const MAX_DEPTH = 512;

/**
 * Serialise a JSON value canonically per RFC 8785 (JCS), so equal data always hashes
 * equally: object keys sorted by UTF-16 code units, no whitespace, numbers in ECMAScript
 * shortest form, strings with minimal escaping.
 *
 * Refused with `ValidationError`: non-finite numbers, lone surrogates (JCS requires I-JSON),
 * bigint, functions, symbols, `undefined` outside objects, cycles, and class instances other
 * than those with `toJSON` (e.g. `Date`). `undefined` object members are omitted, as in
 * `JSON.stringify`.
 *
 * @example
 * import { canonicalJson } from '@openledger/core';
 * canonicalJson({ b: [1e21, 0.1], a: 'é' }); // '{"a":"é","b":[1e+21,0.1]}'
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  const stack = new Set<object>();
  write(value, [], parts, stack);
  return parts.join('');
}

function write(value: unknown, path: Array<string | number>, out: string[], stack: Set<object>): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(path, `${value} is not a JSON number`, 'non_finite');
      // ECMAScript Number::toString is exactly the serialisation JCS specifies (and maps -0 to 0).
      out.push(JSON.stringify(value));
      return;
    case 'string':
      out.push(quote(value, path));
      return;
    case 'object':
      break;
    default:
      fail(path, `${typeof value} is not JSON`, 'invalid_type');
  }
  const obj = value as object;
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
    write((obj as { toJSON(): unknown }).toJSON(), path, out, stack);
    return;
  }
  if (stack.has(obj)) fail(path, 'circular reference', 'cycle');
  if (path.length >= MAX_DEPTH) fail(path, `nested deeper than ${MAX_DEPTH}`, 'too_deep');
  stack.add(obj);
  if (Array.isArray(obj)) {
    out.push('[');
    for (let i = 0; i < obj.length; i++) {
      if (i) out.push(',');
      path.push(i);
      if (obj[i] === undefined) fail(path, 'undefined is not JSON', 'invalid_type');
      write(obj[i], path, out, stack);
      path.pop();
    }
    out.push(']');
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      fail(path, `${proto?.constructor?.name ?? 'object'} instance is not plain JSON`, 'invalid_type');
    }
    // Default sort compares UTF-16 code units, which is exactly JCS's property order.
    const keys = Object.keys(obj).sort();
    out.push('{');
    let first = true;
    for (const key of keys) {
      const v = (obj as Record<string, unknown>)[key];
      if (v === undefined) continue;
      if (!first) out.push(',');
      first = false;
      path.push(key);
      out.push(quote(key, path), ':');
      write(v, path, out, stack);
      path.pop();
    }
    out.push('}');
  }
  stack.delete(obj);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function quote(s: string, path: Array<string | number>): string {
  if (LONE_SURROGATE.test(s))
    fail(path, 'string contains a lone surrogate (not valid I-JSON)', 'lone_surrogate');
  // With no lone surrogates, JSON.stringify escapes exactly as JCS requires: \" \\ \b \f \n \r \t,
  // other controls as lowercase \u00xx, everything else literal.
  return JSON.stringify(s);
}

function fail(path: Array<string | number>, message: string, code: string): never {
  throw new ValidationError('Value cannot be serialised as canonical JSON (RFC 8785).', {
    issues: [{ path: [...path], message, code }],
  });
}
