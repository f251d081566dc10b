import type { DatanetSpec, JsonSchema, RowRules, StandardRowSchema } from '../spec/defineDatanet.js';
import { type CompiledCheck, codePointLength, compileJsonSchema, type RowProblem } from './jsonSchema.js';
import type { ContributionIssue } from './types.js';

const compiledCache = /* @__PURE__ */ new WeakMap<object, CompiledCheck>();

type StdResult = {
  value?: unknown;
  issues?: ReadonlyArray<{ message: string; path?: ReadonlyArray<unknown> }>;
};

function isStandard(s: unknown): s is StandardRowSchema {
  return typeof (s as StandardRowSchema)['~standard']?.validate === 'function';
}

function stdPath(path: ReadonlyArray<unknown> | undefined): Array<string | number> {
  return (path ?? []).map((p) => {
    const k = typeof p === 'object' && p !== null && 'key' in p ? (p as { key: unknown }).key : p;
    return typeof k === 'number' ? k : String(k);
  });
}

/** The row schema of a spec as one compiled check (JSON Schema compiled once per spec object). */
export function rowSchemaCheck(rules: RowRules): CompiledCheck {
  const schema = rules.schema as object;
  const hit = compiledCache.get(schema);
  if (hit) return hit;
  let check: CompiledCheck;
  if (isStandard(schema)) {
    const validate = schema['~standard'].validate;
    check = (v, path, out) => {
      const r = validate(v) as StdResult | Promise<StdResult>;
      if (r instanceof Promise) {
        out.push({ path: [...path], message: 'Async row schemas are not supported' });
        return false;
      }
      if (!r.issues) return true;
      for (const i of r.issues) out.push({ path: [...path, ...stdPath(i.path)], message: i.message });
      return false;
    };
  } else check = compileJsonSchema(schema as JsonSchema);
  compiledCache.set(schema, check);
  return check;
}

const MAX_PROBLEMS_PER_ROW = 5;

/** Applies a structured datanet's row rules (schema, lengths, language) to parsed rows. */
export class RowChecker {
  private readonly check: CompiledCheck;
  private readonly lengths: Array<[string, { min?: number | undefined; max?: number | undefined }]>;
  private readonly languageField: string | undefined;
  private readonly languages: string[] | undefined;
  private readonly problems: RowProblem[] = [];

  constructor(spec: DatanetSpec) {
    const rules = spec.rows!;
    this.check = rowSchemaCheck(rules);
    this.lengths = Object.entries(rules.lengths);
    this.languageField = rules.languageField;
    this.languages = rules.languages?.map((l) => l.toLowerCase());
  }

  /** Check one parsed row; pushes issues (up to 5 per row) and returns true when it passed. */
  checkRow(
    value: unknown,
    row: number,
    offset: number | undefined,
    severity: 'error' | 'warning',
    emit: (i: ContributionIssue) => void,
  ): boolean {
    const at = offset === undefined ? { row } : { row, offset };
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      emit({ code: 'ROW_NOT_OBJECT', severity, ...at, message: `Row ${row} is not an object.` });
      return false;
    }
    const o = value as Record<string, unknown>;
    let ok = true;
    const problems = this.problems;
    problems.length = 0;
    try {
      if (!this.check(o, [], problems)) ok = false;
    } catch (e) {
      // Pathological values (e.g. nesting deeper than the stack) fail the row, never the run.
      problems.push({ path: [], message: `Row could not be checked: ${(e as Error).message}` });
      ok = false;
    }
    for (const p of problems.slice(0, MAX_PROBLEMS_PER_ROW))
      emit({
        code: 'ROW_SCHEMA',
        severity,
        ...at,
        path: p.path,
        message: `Row ${row}${p.path.length ? ` field ${p.path.join('.')}` : ''}: ${p.message}`,
      });
    for (const [field, { min, max }] of this.lengths) {
      if (!Object.hasOwn(o, field) || typeof o[field] !== 'string') continue;
      const s = o[field] as string;
      if (min !== undefined && s.length < min * 2 && codePointLength(s) < min) {
        emit({
          code: 'FIELD_TOO_SHORT',
          severity,
          ...at,
          path: [field],
          message: `Row ${row}: "${field}" must be at least ${min} characters.`,
        });
        ok = false;
      } else if (max !== undefined && s.length > max && codePointLength(s) > max) {
        emit({
          code: 'FIELD_TOO_LONG',
          severity,
          ...at,
          path: [field],
          message: `Row ${row}: "${field}" must be at most ${max} characters.`,
        });
        ok = false;
      }
    }
    const lf = this.languageField;
    if (lf !== undefined) {
      const lang = Object.hasOwn(o, lf) ? o[lf] : undefined;
      if (typeof lang !== 'string' || lang.trim() === '') {
        emit({
          code: 'LANGUAGE_MISSING',
          severity,
          ...at,
          path: [lf],
          message: `Row ${row}: the language field "${lf}" is required.`,
        });
        ok = false;
      } else if (this.languages) {
        const l = lang.trim().toLowerCase();
        const primary = l.split('-')[0]!;
        if (!this.languages.includes(l) && !this.languages.includes(primary)) {
          emit({
            code: 'LANGUAGE_NOT_ALLOWED',
            severity,
            ...at,
            path: [lf],
            message: `Row ${row}: language "${lang.slice(0, 35)}" is not one of ${this.languages.join(', ')}.`,
          });
          ok = false;
        }
      }
    }
    return ok;
  }
}

/**
 * Set of 64-bit row fingerprints in open-addressed typed arrays: 8 bytes a row instead of a
 * string per row, so duplicate detection stays bounded on files with millions of rows.
 */
export class FingerprintSet {
  private hi = new Uint32Array(1 << 12);
  private lo = new Uint32Array(1 << 12);
  private used = new Uint8Array(1 << 12);
  private count = 0;

  /** Adds the fingerprint; returns false when it was already present. */
  add(h1: number, h2: number): boolean {
    if ((this.count + 1) * 2 > this.used.length) this.grow();
    const mask = this.used.length - 1;
    let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & mask;
    while (this.used[i]) {
      if (this.hi[i] === h1 >>> 0 && this.lo[i] === h2 >>> 0) return false;
      i = (i + 1) & mask;
    }
    this.used[i] = 1;
    this.hi[i] = h1 >>> 0;
    this.lo[i] = h2 >>> 0;
    this.count++;
    return true;
  }

  private grow(): void {
    const { hi, lo, used } = this;
    const n = used.length * 2;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.used = new Uint8Array(n);
    this.count = 0;
    for (let i = 0; i < used.length; i++) if (used[i]) this.add(hi[i]!, lo[i]!);
  }
}

/** Two independent 32-bit hashes of a byte range (FNV-1a and a multiply-rotate mix). */
export function fingerprintBytes(b: Uint8Array, start: number, end: number): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x27d4eb2f ^ (end - start);
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x85ebca6b);
    h2 = (h2 << 13) | (h2 >>> 19);
  }
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  return [h1 >>> 0, (h2 ^ (h2 >>> 13)) >>> 0];
}

/** Same fingerprint over a string's UTF-16 code units. */
export function fingerprintString(s: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x27d4eb2f ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x85ebca6b);
    h2 = (h2 << 13) | (h2 >>> 19);
  }
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  return [h1 >>> 0, (h2 ^ (h2 >>> 13)) >>> 0];
}
