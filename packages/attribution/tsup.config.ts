import { definePackageConfig } from '../../tsup.config.base.js';

export default definePackageConfig({
  index: 'src/index.ts',
  embeddings: 'src/embeddings.ts',
  onnxruntime: 'src/onnxruntime.ts',
  transformers: 'src/transformers.ts',
  // The worker script of buildSpanIndexInWorkers (found next to the module at run time).
  'span-worker': 'src/span/span-worker.ts',
});
