import { OpenLedgerError, type OpenLedgerErrorParameters } from '@openledger/core';

/** Stable codes of {@link RewardSplitError}. */
export type RewardSplitErrorCode = 'INVALID_FEE' | 'INVALID_POLICY' | 'INVALID_SHARES' | 'INVALID_ADDRESS';

/**
 * `splitReward` was called with a fee, policy or share vector it cannot split exactly.
 *
 * @example
 * import { RewardSplitError } from '@openledger/attribution';
 * declare const e: unknown;
 * if (e instanceof RewardSplitError && e.code === 'INVALID_POLICY') console.log(e.shortMessage);
 */
export class RewardSplitError extends OpenLedgerError {
  override name = 'RewardSplitError' as const;
  override readonly code: RewardSplitErrorCode;
  constructor(code: RewardSplitErrorCode, message: string, params: OpenLedgerErrorParameters = {}) {
    super(message, { docsPath: '/attribution/reward#splitreward', ...params });
    this.code = code;
  }
}
