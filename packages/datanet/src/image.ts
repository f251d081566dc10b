/** @packageDocumentation `@openledger/datanet/image`: PNG, JPEG, WebP, TIFF and BMP checks. */
export { type ImageDecoderOptions, imageDecoder } from './formats/image.js';
