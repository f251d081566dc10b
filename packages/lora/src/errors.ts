import { errorGuard, OpenLedgerError, type OpenLedgerErrorParameters } from '@openledger/core';

/** Stable codes of {@link SafetensorsError}. */
export type SafetensorsErrorCode =
  | 'FILE_TOO_SHORT'
  | 'HEADER_TOO_LARGE'
  | 'HEADER_OUT_OF_BOUNDS'
  | 'INVALID_HEADER_JSON'
  | 'INVALID_HEADER'
  | 'DUPLICATE_KEY'
  | 'FORBIDDEN_KEY'
  | 'INVALID_METADATA'
  | 'INVALID_TENSOR_INFO'
  | 'UNSUPPORTED_DTYPE'
  | 'SHAPE_OVERFLOW'
  | 'SIZE_MISMATCH'
  | 'OFFSETS_OUT_OF_BOUNDS'
  | 'INVALID_OFFSETS'
  | 'INVALID_TENSOR'
  | 'RANGE_NOT_SUPPORTED';

/**
 * A safetensors file (or a tensor handed to the serializer) is malformed or hostile.
 * `code` says which rule it broke; `tensor` names the offending tensor when there is one.
 *
 * @example
 * import { isSafetensorsError, parseSafetensors } from '@openledger/lora';
 * try { parseSafetensors(new Uint8Array(4)); } catch (e) { if (isSafetensorsError(e)) console.log(e.code); }
 */
export class SafetensorsError extends OpenLedgerError {
  override name = 'SafetensorsError' as const;
  override readonly code: SafetensorsErrorCode;
  readonly tensor: string | undefined;
  constructor(
    code: SafetensorsErrorCode,
    shortMessage: string,
    params: OpenLedgerErrorParameters & { tensor?: string } = {},
  ) {
    super(shortMessage, { docsPath: '/lora/safetensors#errors', ...params });
    this.code = code;
    this.tensor = params.tensor;
  }
}

/** Stable codes of {@link AdapterError}. */
export type AdapterErrorCode =
  | 'INVALID_CONFIG'
  | 'MISSING_FILE'
  | 'MISSING_TENSOR'
  | 'SHAPE_MISMATCH'
  | 'INTEGRITY_MISMATCH'
  | 'INCOMPATIBLE'
  | 'UNSUPPORTED_VARIANT'
  | 'INVALID_ARGUMENT'
  | 'NO_MATCHING_MODULES'
  | 'FETCH_FAILED'
  | 'UNKNOWN_FAMILY';

/**
 * An adapter could not be loaded, checked, merged or composed: bad config, missing or
 * misshapen tensors, a sha256 mismatch, or an operation that would be silently wrong
 * (e.g. merging a DoRA adapter without its base weight).
 *
 * @example
 * import { isAdapterError } from '@openledger/lora';
 * declare const e: unknown;
 * if (isAdapterError(e) && e.code === 'INTEGRITY_MISMATCH') console.log('corrupted download');
 */
export class AdapterError extends OpenLedgerError {
  override name = 'AdapterError' as const;
  override readonly code: AdapterErrorCode;
  readonly module: string | undefined;
  constructor(
    code: AdapterErrorCode,
    shortMessage: string,
    params: OpenLedgerErrorParameters & { module?: string } = {},
  ) {
    super(shortMessage, { docsPath: '/lora/adapters#errors', ...params });
    this.code = code;
    this.module = params.module;
  }
}

/**
 * True for a {@link SafetensorsError}, across duplicate installs.
 *
 * @example
 * import { isSafetensorsError } from '@openledger/lora';
 * isSafetensorsError(new Error('x')); // false
 */
export const isSafetensorsError = /* @__PURE__ */ errorGuard<SafetensorsError>('SafetensorsError');

/**
 * True for an {@link AdapterError}, across duplicate installs.
 *
 * @example
 * import { isAdapterError } from '@openledger/lora';
 * isAdapterError(new Error('x')); // false
 */
export const isAdapterError = /* @__PURE__ */ errorGuard<AdapterError>('AdapterError');
