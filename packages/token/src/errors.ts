import { OpenLedgerError, type OpenLedgerErrorParameters } from '@openledger/core';

/** Why {@link VoucherError} rejected a voucher. */
export type VoucherErrorReason =
  | 'malformed'
  | 'wrong-domain'
  | 'wrong-channel'
  | 'not-newer'
  | 'exceeds-deposit'
  | 'expired'
  | 'malleable-signature'
  | 'wrong-signer'
  | 'insufficient-payment';

/**
 * A payment-channel voucher was rejected off-chain. `reason` says which check failed; nothing
 * was paid or recorded.
 *
 * @example
 * import { isVoucherError } from '@openledger/token';
 * declare const e: unknown;
 * if (isVoucherError(e) && e.reason === 'not-newer') console.log('replayed voucher');
 */
export class VoucherError extends OpenLedgerError {
  override name = 'VoucherError' as const;
  override readonly code = 'INVALID_VOUCHER' as const;
  readonly reason: VoucherErrorReason;
  constructor(reason: VoucherErrorReason, shortMessage: string, params: OpenLedgerErrorParameters = {}) {
    super(shortMessage, { docsPath: '/token/channels#vouchererror', ...params });
    this.reason = reason;
  }
}

/**
 * A contract call reverted (or would revert). `errorName` and `args` are the decoded custom
 * error of our contracts or OpenZeppelin's (e.g. `VoucherNotNewer`, `ECDSAInvalidSignatureS`).
 *
 * @example
 * import { isContractError } from '@openledger/token';
 * declare const e: unknown;
 * if (isContractError(e) && e.errorName === 'AlreadyClaimed') console.log('claimed before');
 */
export class ContractError extends OpenLedgerError {
  override name = 'ContractError' as const;
  override readonly code = 'CONTRACT_REVERTED' as const;
  readonly errorName: string | undefined;
  readonly args: readonly unknown[];
  constructor(
    shortMessage: string,
    params: { errorName?: string | undefined; args?: readonly unknown[] } & OpenLedgerErrorParameters = {},
  ) {
    super(shortMessage, {
      docsPath: '/token/errors#contracterror',
      ...params,
      metaMessages: params.errorName
        ? [`Reverted with ${params.errorName}(${(params.args ?? []).map(String).join(', ')})`]
        : params.metaMessages,
    });
    this.errorName = params.errorName;
    this.args = params.args ?? [];
  }
}

/** Stable codes of {@link PaymentError}. */
export type PaymentErrorCode =
  | 'PAYMENT_BUDGET_EXCEEDED'
  | 'PAYMENT_REQUIREMENTS_INVALID'
  | 'PAYMENT_REJECTED';

/**
 * An HTTP 402 payment could not be made: the price is over the budget, the server's
 * requirements are unusable, or the server refused the voucher after the retry.
 *
 * @example
 * import { isPaymentError } from '@openledger/token';
 * declare const e: unknown;
 * if (isPaymentError(e) && e.code === 'PAYMENT_BUDGET_EXCEEDED') console.log('top up the budget');
 */
export class PaymentError extends OpenLedgerError {
  override name = 'PaymentError' as const;
  override readonly code: PaymentErrorCode;
  constructor(code: PaymentErrorCode, shortMessage: string, params: OpenLedgerErrorParameters = {}) {
    super(shortMessage, { docsPath: '/token/http-402#paymenterror', ...params });
    this.code = code;
  }
}

function guard<T extends OpenLedgerError>(name: string) {
  return (err: unknown): err is T =>
    err instanceof Error && err.name === name && typeof (err as { code?: unknown }).code === 'string';
}

/**
 * True when `err` is a {@link VoucherError} (also from another copy of the package).
 *
 * @example
 * import { isVoucherError } from '@openledger/token';
 * isVoucherError(new Error('x')); // false
 */
export const isVoucherError: (err: unknown) => err is VoucherError = /* @__PURE__ */ guard('VoucherError');

/**
 * True when `err` is a {@link ContractError}.
 *
 * @example
 * import { isContractError } from '@openledger/token';
 * isContractError(new Error('x')); // false
 */
export const isContractError: (err: unknown) => err is ContractError = /* @__PURE__ */ guard('ContractError');

/**
 * True when `err` is a {@link PaymentError}.
 *
 * @example
 * import { isPaymentError } from '@openledger/token';
 * isPaymentError(new Error('x')); // false
 */
export const isPaymentError: (err: unknown) => err is PaymentError = /* @__PURE__ */ guard('PaymentError');
