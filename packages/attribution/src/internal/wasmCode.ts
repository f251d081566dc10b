/**
 * A small expression language for the WebAssembly functions this package assembles at run time
 * (the SA-IS sorter, the GPT-2 pre-tokeniser): each helper returns code as nested arrays of
 * bytes, i32 only, with named locals, and {@link moduleBytes} turns a list of functions that
 * share one imported memory into a module.
 */
import { section, sleb, str, uleb, wasmModule } from './wasmEncoding.js';

/** Code: bytes, nested as they were composed (flattened once, by {@link flat}). */
export type Code = (number | Code)[];

/** The bytes of `c`, in order. */
export const flat = (c: Code): number[] => (c as number[]).flat(Number.POSITIVE_INFINITY as 1) as number[];

// Expressions: each helper returns code that leaves one i32 on the stack (statements leave none).
/** The i32 value type. */
export const I32 = 0x7f;
export const int = (v: number): Code => [0x41, ...sleb(v | 0)];
const bin =
  (opcode: number) =>
  (a: Code, b: Code): Code => [a, b, opcode];
export const add = bin(0x6a);
export const sub = bin(0x6b);
export const mul = bin(0x6c);
export const and = bin(0x71);
export const or = bin(0x72);
export const xor = bin(0x73);
export const shl = bin(0x74);
export const shrS = bin(0x75);
export const shrU = bin(0x76);
export const eq = bin(0x46);
export const ne = bin(0x47);
export const ltS = bin(0x48);
export const ltU = bin(0x49);
export const gtS = bin(0x4a);
export const gtU = bin(0x4b);
export const geS = bin(0x4e);
export const eqz = (a: Code): Code => [a, 0x45];
/** `cond ? a : b` without a branch. */
export const select = (a: Code, b: Code, cond: Code): Code => [a, b, cond, 0x1b];
export const load32 = (addr: Code): Code => [addr, 0x28, 2, 0];
export const load16 = (addr: Code): Code => [addr, 0x2f, 1, 0];
export const load8 = (addr: Code): Code => [addr, 0x2d, 0, 0];
export const store32 = (addr: Code, value: Code): Code => [addr, value, 0x36, 2, 0];
export const store16 = (addr: Code, value: Code): Code => [addr, value, 0x3b, 1, 0];
export const store8 = (addr: Code, value: Code): Code => [addr, value, 0x3a, 0, 0];
export const ifThen = (cond: Code, then: Code, otherwise?: Code): Code => [
  cond,
  0x04,
  0x40,
  then,
  otherwise ? [0x05, otherwise] : [],
  0x0b,
];
/** `while (cond) body` (a `break` inside is `br 1`). */
export const whileLoop = (cond: Code, body: Code): Code => [
  0x02,
  0x40,
  0x03,
  0x40,
  eqz(cond),
  0x0d,
  1,
  body,
  0x0c,
  0,
  0x0b,
  0x0b,
];
/** Return the i32 `value` from the function. */
export const ret = (value: Code): Code => [value, 0x0f];
/** A call of function `index` of the module (in the order `moduleBytes` was given them). */
export const call = (index: number, ...args: Code[]): Code => [args, 0x10, ...uleb(index)];

/** A function under construction: named i32 locals, the first ones parameters. */
export class Fn {
  private readonly names = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly params: string[],
    readonly locals: string[],
    readonly returns: boolean,
  ) {
    for (const p of [...params, ...locals]) this.names.set(p, this.names.size);
  }
  private index(v: string): number {
    const i = this.names.get(v);
    if (i === undefined) throw new Error(`wasm: unknown local ${v} in ${this.name}`);
    return i;
  }
  get = (v: string): Code => [0x20, ...uleb(this.index(v))];
  set = (v: string, value: Code): Code => [value, 0x21, ...uleb(this.index(v))];
  inc = (v: string, by = 1): Code => this.set(v, add(this.get(v), int(by)));
}

/**
 * A module of `fns` (each exported under its name) over one memory imported as `s.m`:
 * unshared with no maximum, or shared up to `sharedMaxPages`. Functions listed in `imports` are
 * imported from `s` under their names, and come first in the function index space (`call`).
 */
export function moduleBytes(
  fns: (Fn & { body: Code })[],
  sharedMaxPages?: number,
  imports: { name: string; params: number; returns: boolean }[] = [],
): Uint8Array<ArrayBuffer> {
  const signature = (params: number, returns: boolean) => [
    0x60,
    ...uleb(params),
    ...Array.from({ length: params }, () => I32),
    ...(returns ? [1, I32] : [0]),
  ];
  const types = [
    ...imports.map((f) => signature(f.params, f.returns)),
    ...fns.map((f) => signature(f.params.length, f.returns)),
  ];
  const bodies = fns.map((f) => {
    const b = [...(f.locals.length ? [1, ...uleb(f.locals.length), I32] : [0]), ...flat(f.body), 0x0b];
    return [...uleb(b.length), ...b];
  });
  const k = imports.length;
  return wasmModule([
    section(1, [...uleb(types.length), ...types.flat()]),
    section(2, [
      ...uleb(1 + k),
      ...str('s'),
      ...str('m'),
      0x02,
      ...(sharedMaxPages !== undefined ? [0x03, 0x00, ...uleb(sharedMaxPages)] : [0x00, 0x00]),
      ...imports.flatMap((f, i) => [...str('s'), ...str(f.name), 0x00, ...uleb(i)]),
    ]),
    section(3, [...uleb(fns.length), ...fns.flatMap((_, i) => uleb(k + i))]),
    section(7, [...uleb(fns.length), ...fns.flatMap((f, i) => [...str(f.name), 0x00, ...uleb(k + i)])]),
    section(10, [...uleb(bodies.length), ...bodies.flat()]),
  ]);
}
