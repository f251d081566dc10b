/** @packageDocumentation `@openledger/datanet/pdf`: PDF text extraction and image detection (pdf.js). */
export { type PdfDecoderOptions, pdfDecoder } from './formats/pdf.js';
