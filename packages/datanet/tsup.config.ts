import { definePackageConfig } from '../../tsup.config.base.js';

export default definePackageConfig({
  index: 'src/index.ts',
  pdf: 'src/pdf.ts',
  docx: 'src/docx.ts',
  image: 'src/image.ts',
  audio: 'src/audio.ts',
});
