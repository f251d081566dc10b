/**
 * Docs check, run in CI:
 * 1. every public export of every package entry point has a JSDoc summary, and every function
 *    and class (including constants holding a function) an `@example`;
 * 2. every ```ts block in docs/**\/*.md and packages/*\/README.md type-checks against the
 *    workspace sources (blocks fenced as ```ts nocheck are skipped).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');
const problems: string[] = [];

function entryPoints(): string[] {
  const files: string[] = [];
  for (const pkg of readdirSync(join(root, 'packages')).sort()) {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as {
      exports?: Record<string, unknown>;
    };
    for (const value of Object.values(manifest.exports ?? {})) {
      const src = (value as Record<string, string>)?.['@openledger/source'];
      if (typeof src === 'string') files.push(join(root, 'packages', pkg, src));
    }
  }
  return files;
}

function checkExportDocs(): void {
  const entries = entryPoints();
  const program = ts.createProgram(entries, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    customConditions: ['@openledger/source'],
    skipLibCheck: true,
    noEmit: true,
    allowJs: false,
  });
  const checker = program.getTypeChecker();
  for (const entry of entries) {
    const sf = program.getSourceFile(entry);
    if (!sf) continue;
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) continue;
    for (const exp of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
      const decl = symbol.declarations?.[0];
      if (!decl) continue;
      // Functions and classes need an example; so do constants holding a function.
      const callable =
        (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class)) !== 0 ||
        ((symbol.flags & ts.SymbolFlags.Variable) !== 0 &&
          checker.getTypeOfSymbolAtLocation(symbol, decl).getCallSignatures().length > 0);
      const summary = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
      const tags = symbol.getJsDocTags(checker).map((t) => t.name);
      const where = `${relative(root, decl.getSourceFile().fileName)} — ${exp.getName()} (from ${relative(root, entry)})`;
      if (!summary && !tags.includes('see')) problems.push(`no JSDoc summary: ${where}`);
      if (callable && !tags.includes('example')) problems.push(`no @example: ${where}`);
    }
  }
}

function* markdownFiles(): Generator<string> {
  const walk = function* (dir: string): Generator<string> {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (name === 'api' || name === 'node_modules') continue;
      if (statSync(p).isDirectory()) yield* walk(p);
      else if (name.endsWith('.md')) yield p;
    }
  };
  yield* walk(join(root, 'docs'));
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const readme = join(root, 'packages', pkg, 'README.md');
    try {
      statSync(readme);
      yield readme;
    } catch {}
  }
}

function checkMarkdownExamples(): void {
  const outDir = join(root, 'node_modules', '.cache', 'doc-examples');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const origin = new Map<string, string>();
  for (const md of markdownFiles()) {
    const text = readFileSync(md, 'utf8');
    const re = /^```(ts|typescript)([^\n]*)\n([\s\S]*?)^```/gm;
    let n = 0;
    for (const m of text.matchAll(re)) {
      if (m[2]!.includes('nocheck')) continue;
      const line = text.slice(0, m.index).split('\n').length;
      const file = join(outDir, `${relative(root, md).replace(/[^A-Za-z0-9]+/g, '_')}_${n++}.ts`);
      // Each block is a module of its own; top-level await is allowed.
      writeFileSync(file, `${m[3]}\nexport {};\n`);
      files.push(file);
      origin.set(file, `${relative(root, md)}:${line}`);
    }
  }
  if (!files.length) return;
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
    customConditions: ['@openledger/source'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (!d.file || !origin.has(d.file.fileName)) continue;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    problems.push(
      `doc example ${origin.get(d.file.fileName)} (+${line}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
  }
  console.log(`type-checked ${files.length} documentation examples`);
}

checkExportDocs();
checkMarkdownExamples();
if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} documentation problems`);
  process.exit(1);
}
console.log('docs ok: every export documented, every example type-checks');
