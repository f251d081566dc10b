import { AttributionRecordError } from './errors.js';

/**
 * RFC 8785 (JCS) canonical JSON. ECMAScript's number and string serialisation is what the
 * RFC specifies, so the work left is sorting keys by UTF-16 code units and refusing values
 * JSON cannot carry. Kept private to this package until core's `canonicalJson` lands.
 */
export function canonicalJson(value: unknown): string {
  const seen = new Set<object>();
  const out: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (v === null) {
      out.push('null');
      return;
    }
    switch (typeof v) {
      case 'boolean':
        out.push(v ? 'true' : 'false');
        return;
      case 'number':
        if (!Number.isFinite(v)) {
          throw new AttributionRecordError(
            'NOT_CANONICALIZABLE',
            `${path || 'value'} is not a finite number.`,
          );
        }
        out.push(JSON.stringify(v));
        return;
      case 'string':
        if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(v)) {
          throw new AttributionRecordError(
            'NOT_CANONICALIZABLE',
            `${path || 'value'} contains a lone surrogate.`,
          );
        }
        out.push(JSON.stringify(v));
        return;
      case 'object': {
        if (seen.has(v as object)) {
          throw new AttributionRecordError('NOT_CANONICALIZABLE', `${path || 'value'} is circular.`);
        }
        seen.add(v as object);
        if (Array.isArray(v)) {
          out.push('[');
          v.forEach((item, i) => {
            if (i) out.push(',');
            walk(item === undefined ? null : item, `${path}[${i}]`);
          });
          out.push(']');
        } else {
          const keys = Object.keys(v as object)
            .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
            .sort();
          out.push('{');
          keys.forEach((k, i) => {
            if (i) out.push(',');
            out.push(JSON.stringify(k), ':');
            walk((v as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
          });
          out.push('}');
        }
        seen.delete(v as object);
        return;
      }
      default:
        throw new AttributionRecordError(
          'NOT_CANONICALIZABLE',
          `${path || 'value'} has type ${typeof v}, which JSON cannot represent.`,
        );
    }
  };
  walk(value, '');
  return out.join('');
}
