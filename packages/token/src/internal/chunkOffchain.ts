// Build-only entry (tsup): the ethers-free voucher and HTTP 402 code in its own chunk. Not public API.

export { hashVoucher } from '../voucher/hashVoucher.js';
export { voucherCryptoBackend } from '../voucher/secp.js';
export { signVoucher } from '../voucher/signVoucher.js';
export { verifyVoucher } from '../voucher/verifyVoucher.js';
export { createPaymentMiddleware } from '../x402/createPaymentMiddleware.js';
export { wrapFetchWithPayment } from '../x402/wrapFetchWithPayment.js';
