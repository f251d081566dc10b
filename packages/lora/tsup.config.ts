import { definePackageConfig } from '../../tsup.config.base.js';

export default definePackageConfig(
  { index: 'src/index.ts', onnx: 'src/onnx/index.ts' },
  { external: ['onnxruntime-web'] },
);
