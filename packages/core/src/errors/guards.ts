import { errorGuard } from './base.js';
import type { AbortError, HttpError, NetworkError, TimeoutError, ValidationError } from './errors.js';

/**
 * True for an {@link HttpError}, across duplicate installs.
 *
 * @example
 * import { isHttpError } from '@openledger/core';
 * isHttpError(new Error('x')); // false
 */
export const isHttpError = /* @__PURE__ */ errorGuard<HttpError>('HttpError');
/**
 * True for a {@link TimeoutError}, across duplicate installs.
 *
 * @example
 * import { isTimeoutError } from '@openledger/core';
 * isTimeoutError(new Error('x')); // false
 */
export const isTimeoutError = /* @__PURE__ */ errorGuard<TimeoutError>('TimeoutError');
/**
 * True for a {@link NetworkError}, across duplicate installs.
 *
 * @example
 * import { isNetworkError } from '@openledger/core';
 * isNetworkError(new Error('x')); // false
 */
export const isNetworkError = /* @__PURE__ */ errorGuard<NetworkError>('NetworkError');
/**
 * True for a {@link ValidationError}, across duplicate installs.
 *
 * @example
 * import { isValidationError } from '@openledger/core';
 * isValidationError(new Error('x')); // false
 */
export const isValidationError = /* @__PURE__ */ errorGuard<ValidationError>('ValidationError');
/**
 * True for an {@link AbortError}, across duplicate installs.
 *
 * @example
 * import { isAbortError } from '@openledger/core';
 * isAbortError(new Error('x')); // false
 */
export const isAbortError = /* @__PURE__ */ errorGuard<AbortError>('AbortError');
