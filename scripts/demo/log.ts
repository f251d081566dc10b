/** Terminal output for the demo: numbered steps with timings, indented details. */
const t0 = performance.now();
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const c = (code: number, s: string) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);

export const dim = (s: string) => c(2, s);
export const bold = (s: string) => c(1, s);
export const green = (s: string) => c(32, s);
export const red = (s: string) => c(31, s);
export const yellow = (s: string) => c(33, s);

const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)}s`;

export function step(n: number, title: string): void {
  console.log(`\n${bold(`[${n}/5] ${title}`)} ${dim(elapsed())}`);
}

export function info(text: string): void {
  console.log(`  ${text}`);
}

export function ok(text: string): void {
  console.log(`  ${green('✓')} ${text}`);
}

export function rejected(text: string): void {
  console.log(`  ${red('✗')} ${text}`);
}

export function short(addr: string): string {
  return `${addr.slice(0, 6)}…${addr.slice(-4)}`;
}

export function totalElapsed(): string {
  return elapsed();
}

/** An OPEN amount for display, to 8 decimals (the checks compare exact wei). */
export function open(wei: bigint): string {
  const s = wei.toString().padStart(19, '0');
  return `${s.slice(0, -18)}.${s.slice(-18, -10)}`;
}
