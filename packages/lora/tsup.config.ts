import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { definePackageConfig } from '../../tsup.config.base.js';

// Every source module is its own entry so that, with "sideEffects": false, bundlers drop whole
// modules a consumer does not import (e.g. zod schemas when only parseSafetensors is used).
function modules(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'testing' && name !== 'fixtures') Object.assign(out, modules(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) {
      out[path.slice('src/'.length, -'.ts'.length)] = path;
    }
  }
  return out;
}

const entries = modules('src');
delete entries['onnx/index'];
export default definePackageConfig(
  { ...entries, onnx: 'src/onnx/index.ts' },
  { external: ['onnxruntime-web'] },
);
