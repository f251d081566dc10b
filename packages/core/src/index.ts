/**
 * @packageDocumentation
 * `@openledger/core`: the pieces every OpenLedger package shares — errors, the HTTP client,
 * chains, hashing, Merkle trees and OPEN units. Small on purpose: no ethers, no onnxruntime.
 */
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
