/** @packageDocumentation `@openledger/datanet/audio`: WAV, MP3 and FLAC header parsers. */
export { audioDecoder } from './formats/audio.js';
