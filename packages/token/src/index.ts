/**
 * @packageDocumentation
 * `@openledger/token`: OPEN and gOPEN, pay-per-inference payment channels with EIP-712
 * vouchers over HTTP 402, and contributor reward distribution — with the Solidity contracts
 * they run on.
 */

export {
  type CloseChannelParameters,
  type CloseChannelReturnType,
  closeChannel,
} from './channel/closeChannel.js';
export {
  type OpenChannelParameters,
  type OpenChannelReturnType,
  openChannel,
} from './channel/openChannel.js';
export {
  type ReadChannelParameters,
  type ReadChannelReturnType,
  readChannel,
} from './channel/readChannel.js';
export {
  type RedeemVoucherParameters,
  type RedeemVoucherReturnType,
  redeemVoucher,
} from './channel/redeemVoucher.js';
export {
  type TopUpChannelParameters,
  type TopUpChannelReturnType,
  topUpChannel,
} from './channel/topUpChannel.js';
export {
  type DeployContractsParameters,
  type DeployContractsReturnType,
  type DeployTarget,
  deployContracts,
} from './deploy/deployContracts.js';
export {
  ContractError,
  isContractError,
  isPaymentError,
  isVoucherError,
  PaymentError,
  type PaymentErrorCode,
  VoucherError,
  type VoucherErrorReason,
} from './errors.js';
export { gOpenAbi } from './generated/GOpen.generated.js';
export { openTokenAbi } from './generated/OpenToken.generated.js';
export { paymentChannelAbi } from './generated/PaymentChannel.generated.js';
export { rewardDistributorAbi } from './generated/RewardDistributor.generated.js';
export {
  type DelegateVotesParameters,
  type DelegateVotesReturnType,
  type DelegationSignature,
  delegateVotes,
  type SignDelegationParameters,
  signDelegation,
} from './gopen/delegateVotes.js';
export {
  type DepositGOpenParameters,
  type DepositGOpenReturnType,
  depositGOpen,
} from './gopen/depositGOpen.js';
export {
  type GetPastVotesParameters,
  type GetPastVotesReturnType,
  getPastVotes,
} from './gopen/getPastVotes.js';
export { type GetVotesParameters, type GetVotesReturnType, getVotes } from './gopen/getVotes.js';
export {
  type WithdrawGOpenParameters,
  type WithdrawGOpenReturnType,
  withdrawGOpen,
} from './gopen/withdrawGOpen.js';
export { OPEN_ETHEREUM_ADDRESS } from './internal/chain.js';
export { type ApproveOpenParameters, type ApproveOpenReturnType, approveOpen } from './open/approveOpen.js';
export {
  type GetOpenBalanceParameters,
  type GetOpenBalanceReturnType,
  getOpenBalance,
} from './open/getOpenBalance.js';
export {
  type TransferOpenParameters,
  type TransferOpenReturnType,
  transferOpen,
} from './open/transferOpen.js';
export {
  type ClaimRewardParameters,
  type ClaimRewardReturnType,
  claimReward,
} from './rewards/claimReward.js';
export {
  type PayRewardsBatchParameters,
  type PayRewardsBatchReturnType,
  payRewardsBatch,
} from './rewards/payRewardsBatch.js';
export {
  type Payout,
  type PublishRewardEpochParameters,
  type PublishRewardEpochReturnType,
  publishRewardEpoch,
  REWARD_LEAF_ENCODING,
  type RewardClaim,
} from './rewards/publishRewardEpoch.js';
export type { ChannelState, Hex, Voucher } from './types.js';
export {
  hashVoucher,
  VOUCHER_DOMAIN_NAME,
  VOUCHER_DOMAIN_VERSION,
  VOUCHER_TYPES,
  type VoucherMessage,
  voucherDomain,
} from './voucher/hashVoucher.js';
export { type Secp256k1Backend, voucherCryptoBackend } from './voucher/secp.js';
export {
  type SignVoucherParameters,
  type SignVoucherReturnType,
  signVoucher,
  type VoucherSigner,
} from './voucher/signVoucher.js';
export {
  type VerifyVoucherOptions,
  type VerifyVoucherReturnType,
  verifyVoucher,
} from './voucher/verifyVoucher.js';
export {
  type ChannelAccount,
  type CreatePaymentMiddlewareParameters,
  createPaymentMiddleware,
  type PaidHandler,
  type PaymentContext,
  type PaymentMiddleware,
  type PaymentPrice,
} from './x402/createPaymentMiddleware.js';
export {
  CHANNEL_SCHEME,
  type ChannelPaymentPayload,
  type ChannelPaymentRequirements,
  type ChannelSettlementResponse,
  PAYMENT_REQUIRED_HEADER,
  PAYMENT_RESPONSE_HEADER,
  PAYMENT_SIGNATURE_HEADER,
  type PaymentReceipt,
  type PaymentRequired,
} from './x402/protocol.js';
export { verifyPaymentReceipt } from './x402/receipt.js';
export {
  type PayingFetch,
  type WrapFetchWithPaymentOptions,
  wrapFetchWithPayment,
} from './x402/wrapFetchWithPayment.js';
