/**
 * @packageDocumentation
 * `@openledger/core`: the pieces every OpenLedger package shares — errors, the HTTP client,
 * chains, hashing, Merkle trees and OPEN units. Small on purpose: no ethers, no onnxruntime.
 */

export { type AbiParameterType, encodeAbiParameters } from './abi/encodeAbiParameters.js';
export { type Chain, defineChain, type NativeCurrency } from './chains/defineChain.js';
export { openledger, openledgerTestnet } from './chains/openledger.js';
export { createClient } from './client/createClient.js';
export { createIdempotencyKey } from './client/createIdempotencyKey.js';
export type { RetryOptions, RetryPolicy } from './client/retry.js';
export type {
  AfterResponseState,
  BeforeRequestState,
  BeforeRetryState,
  ClientHooks,
  CreateClientParameters,
  OpenLedgerClient,
  ProgressEvent,
  QueryValue,
  RawRequestParameters,
  RequestParameters,
  ResponseSchema,
} from './client/types.js';
export {
  DOCS_BASE_URL,
  errorGuard,
  isOpenLedgerError,
  OpenLedgerError,
  type OpenLedgerErrorParameters,
} from './errors/base.js';
export {
  AbortError,
  formatPath,
  HttpError,
  type HttpErrorCode,
  type HttpErrorParameters,
  httpErrorCode,
  NetworkError,
  TimeoutError,
  ValidationError,
  type ValidationIssue,
} from './errors/errors.js';
export {
  isAbortError,
  isHttpError,
  isNetworkError,
  isTimeoutError,
  isValidationError,
} from './errors/guards.js';
export { redactHeaders, redactSecrets, SECRET_HEADERS } from './errors/redact.js';
export { createSha256, type Sha256Hasher } from './hash/createSha256.js';
export {
  type BytesLike,
  bytesToHex,
  concatBytes,
  type Hex,
  hexToBytes,
  isHex,
  toBytes,
} from './hash/hex.js';
export { keccak256 } from './hash/keccak256.js';
export { sha256 } from './hash/sha256.js';
export { sha256Stream } from './hash/sha256Stream.js';
export { canonicalJson } from './json/canonicalJson.js';
export { type CreateMerkleTreeOptions, createMerkleTree } from './merkle/createMerkleTree.js';
export { getMerkleMultiProof } from './merkle/getMerkleMultiProof.js';
export { getMerkleProof } from './merkle/getMerkleProof.js';
export type { MerkleMultiProof, MerkleTree } from './merkle/types.js';
export {
  type VerifyMerkleMultiProofParameters,
  verifyMerkleMultiProof,
} from './merkle/verifyMerkleMultiProof.js';
export { type VerifyMerkleProofParameters, verifyMerkleProof } from './merkle/verifyMerkleProof.js';
export {
  type EncodeOnnxModelParameters,
  encodeOnnxModel,
  type OnnxAttribute,
  type OnnxElementType,
  type OnnxInitializer,
  type OnnxNode,
  type OnnxValueInfo,
} from './onnx/encodeOnnxModel.js';
export { formatUnits } from './units/formatUnits.js';
export { formatOpen, OPEN_DECIMALS, parseOpen } from './units/open.js';
export { type ParseUnitsOptions, parseUnits } from './units/parseUnits.js';
