/** @packageDocumentation `@openledger/datanet/docx`: DOCX text extraction with zip-bomb caps (fflate). */
export { type DocxDecoderOptions, docxDecoder } from './formats/docx.js';
