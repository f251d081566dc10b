import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isValidationError } from '../errors/guards.js';
import { canonicalJson } from './canonicalJson.js';

/** The double whose IEEE-754 bits are `hex`. */
function double(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

function validationError(f: () => unknown): { path: unknown; code: unknown } | undefined {
  try {
    f();
  } catch (e) {
    if (isValidationError(e)) return { path: e.issues[0]?.path, code: e.issues[0]?.code };
    throw e;
  }
  return undefined;
}

describe('RFC 8785 examples', () => {
  test('§3.2.2: the serialisation example', () => {
    const input =
      '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n' +
      '  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}';
    expect(canonicalJson(JSON.parse(input))).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  test('§3.2.3: property sorting by UTF-16 code units', () => {
    const input = {
      '€': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '😀': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      ö: 'Latin Small Letter O With Diaeresis',
    };
    // (Compared as text: a parsed object would list the integer-like key "1" first.)
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  // Appendix B: IEEE-754 bit patterns and their required serialisation.
  test.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('Appendix B: %s → %s', (bits, expected) => {
    expect(canonicalJson(double(bits))).toBe(expected);
  });

  test.each([
    ['7fffffffffffffff', 'NaN'],
    ['7ff0000000000000', 'Infinity'],
  ])('Appendix B: %s (%s) is an error', (bits) => {
    expect(validationError(() => canonicalJson([double(bits)]))).toEqual({ path: [0], code: 'non_finite' });
  });
});

describe('strings', () => {
  test('escapes exactly the JCS set: quotes, backslash, short forms, other controls as \\u00xx', () => {
    const all =
      Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('') + '"\\/\u007f\u2028é😀';
    const expectedControls = Array.from({ length: 0x20 }, (_, i) => {
      const short: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
      return short[i] ?? `\\u${i.toString(16).padStart(4, '0')}`;
    }).join('');
    expect(canonicalJson(all)).toBe(`"${expectedControls}\\"\\\\/\u007f\u2028é😀"`);
  });

  test.each([
    ['\ud800', []],
    ['a\udc00b', []],
    ['\ud83d\ud83d', []],
  ])('rejects the lone surrogate in %j', (s) => {
    expect(validationError(() => canonicalJson(s))?.code).toBe('lone_surrogate');
    expect(validationError(() => canonicalJson({ [s]: 1 }))?.code).toBe('lone_surrogate');
  });
});

describe('misuse and hostile input', () => {
  test.each([
    [{ a: 1n }, ['a'], 'invalid_type'],
    [[() => 1], [0], 'invalid_type'],
    [{ x: [undefined] }, ['x', 0], 'invalid_type'],
    [{ m: new Map() }, ['m'], 'invalid_type'],
    [{ s: Symbol('s') }, ['s'], 'invalid_type'],
  ])('rejects %o at its path', (value, path, code) => {
    expect(validationError(() => canonicalJson(value))).toEqual({ path, code });
  });

  test('rejects cycles but allows shared (acyclic) references', () => {
    const shared = { v: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"v":1},"b":{"v":1}}');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(validationError(() => canonicalJson(loop))?.code).toBe('cycle');
  });

  test('rejects absurd nesting instead of overflowing the stack', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(validationError(() => canonicalJson(deep))?.code).toBe('too_deep');
  });

  test('omits undefined members and uses toJSON, like JSON.stringify', () => {
    expect(canonicalJson({ b: undefined, a: new Date(0) })).toBe('{"a":"1970-01-01T00:00:00.000Z"}');
  });
});

describe('properties', () => {
  const json = fc.jsonValue({ maxDepth: 4 });

  test('parse(canonicalJson(x)) deep-equals x', () => {
    // fc.jsonValue can produce -0, which JSON (and JCS) write as 0.
    fc.assert(
      fc.property(json, (x) => {
        expect(JSON.parse(canonicalJson(x))).toEqual(JSON.parse(JSON.stringify(x)));
      }),
      { numRuns: 300 },
    );
  });

  test('is independent of key insertion order and idempotent', () => {
    const shuffle = (v: unknown, seed: number): unknown => {
      if (Array.isArray(v)) return v.map((x) => shuffle(x, seed));
      if (v && typeof v === 'object') {
        const entries = Object.entries(v);
        entries.sort(
          (a, b) => ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7) || (seed & 1 ? -1 : 1),
        );
        return Object.fromEntries(entries.map(([k, x]) => [k, shuffle(x, seed + 1)]));
      }
      return v;
    };
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 1000 }), (x, seed) => {
        const c = canonicalJson(x);
        expect(canonicalJson(shuffle(x, seed))).toBe(c);
        expect(canonicalJson(JSON.parse(c))).toBe(c);
      }),
      { numRuns: 300 },
    );
  });

  test('matches a brute-force reference: keys sorted by code units at every level, no whitespace', () => {
    const byCodeUnits = (a: string, b: string) => {
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const d = a.charCodeAt(i) - b.charCodeAt(i);
        if (d) return d;
      }
      return a.length - b.length;
    };
    const reference = (v: unknown): string =>
      v !== null && typeof v === 'object'
        ? `{${Object.keys(v)
            .sort(byCodeUnits)
            .map((k) => `${JSON.stringify(k)}:${reference((v as Record<string, unknown>)[k])}`)
            .join(',')}}`
        : JSON.stringify(v);
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.dictionary(fc.string({ unit: 'binary' }), fc.integer())),
        (x) => {
          expect(canonicalJson(x)).toBe(reference(x));
        },
      ),
      { numRuns: 200 },
    );
  });
});
