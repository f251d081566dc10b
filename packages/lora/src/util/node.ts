/**
 * Import a Node built-in only when called. The specifier is not a literal so browser bundlers
 * leave it alone; browser code paths never call this.
 */
export function nodeImport<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ specifier) as Promise<T>;
}
