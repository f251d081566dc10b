import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ROUTES_BEGIN,
  ROUTES_END,
  renderRouteTable,
  routeRows,
  sortKeys,
  tableOperations,
} from './openapi-table.js';

const root = join(import.meta.dirname, '..');
const doc = JSON.parse(readFileSync(join(root, 'docs/openapi.json'), 'utf8')) as Record<string, unknown>;
const markdown = readFileSync(join(root, 'docs/api-contract.md'), 'utf8');

/** Every `METHOD path` of the document, read straight from `paths` (independent of routeRows). */
function documentOperations(): string[] {
  const ops: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const key of Object.keys(item)) {
      if (['get', 'put', 'post', 'patch', 'delete', 'head', 'options'].includes(key))
        ops.push(`${key.toUpperCase()} ${path}`);
    }
  }
  return ops.sort();
}

describe('docs/openapi.json', () => {
  it('is an OpenAPI 3.1 document of /v1 routes without run-specific servers', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc).not.toHaveProperty('servers');
    const ops = documentOperations();
    expect(ops.length).toBeGreaterThan(0);
    for (const op of ops) expect(op.split(' ')[1]).toMatch(/^\/(v1\/|openapi\.json$)/);
  });

  it('is stored with sorted keys, so regenerating it is reproducible', () => {
    expect(JSON.stringify(doc)).toBe(JSON.stringify(sortKeys(doc)));
  });
});

describe('route table in docs/api-contract.md', () => {
  it('lists exactly the operations of docs/openapi.json', () => {
    expect(markdown).toContain(ROUTES_BEGIN);
    expect(markdown).toContain(ROUTES_END);
    expect([...tableOperations(markdown)].sort()).toEqual(documentOperations());
  });

  it('is what renderRouteTable produces from the document', () => {
    // Compared cell by cell, so a Markdown formatter re-aligning the columns does not matter.
    const cells = (table: string) =>
      table
        .split('\n')
        .filter((l) => l.startsWith('|'))
        .map((l) => l.split(/(?<!\\)\|/).map((c) => c.trim()));
    const start = markdown.indexOf(ROUTES_BEGIN) + ROUTES_BEGIN.length;
    expect(cells(markdown.slice(start, markdown.indexOf(ROUTES_END)))).toEqual(cells(renderRouteTable(doc)));
  });
});

describe('openapi-table helpers', () => {
  it('sortKeys orders keys at every depth and keeps arrays in order', () => {
    const sorted = sortKeys({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } });
    expect(JSON.stringify(sorted)).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('routeRows ignores non-operation keys and escapes pipes in the table', () => {
    const tiny = {
      paths: {
        '/v1/b': { parameters: [], post: { summary: 'make | break', tags: ['x'] } },
        '/v1/a': { get: { summary: 'read' }, delete: {} },
      },
    };
    expect(routeRows(tiny).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/a',
      'DELETE /v1/a',
      'POST /v1/b',
    ]);
    const table = renderRouteTable(tiny);
    expect(table).toContain('make \\| break');
    expect(tableOperations(`${ROUTES_BEGIN}\n${table}${ROUTES_END}`)).toEqual([
      'GET /v1/a',
      'DELETE /v1/a',
      'POST /v1/b',
    ]);
  });
});
