// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title Unidirectional payment channels for pay-per-inference.
/// @notice One contract holds many channels. A payer deposits native OPEN (token = 0) or an
/// ERC-20 for a payee until an expiry, then signs EIP-712 vouchers carrying the CUMULATIVE
/// amount owed. The payee redeems the latest voucher whenever it likes (one transaction
/// settles any number of requests), for its whole amount or less (a server that charges per use
/// settles what was used; the rest of the voucher stays redeemable later), until
/// expiry + challengePeriod; only after that can the
/// payer reclaim what was not redeemed. Replay is impossible by construction: the voucher
/// names its channel id, the EIP-712 domain binds chain id and this contract, ids are never
/// reused, and a voucher only pays the difference above what was already redeemed.
contract PaymentChannel is EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// Storage packed into four slots; `redeem` rewrites only the last one.
    struct Channel {
        address payer;
        uint64 expiry;
        bool closed;
        address payee;
        address token;
        uint128 deposit;
        uint128 redeemed;
    }

    bytes32 public constant VOUCHER_TYPEHASH = keccak256("Voucher(bytes32 channelId,uint256 cumulativeAmount)");

    /// Seconds after expiry during which only the payee may act (redeem the last voucher).
    uint64 public immutable challengePeriod;

    mapping(bytes32 channelId => Channel) private _channels;

    event ChannelOpened(
        bytes32 indexed channelId, address indexed payer, address indexed payee, address token, uint256 deposit, uint64 expiry
    );
    event ChannelToppedUp(bytes32 indexed channelId, uint256 amount, uint64 expiry);
    event VoucherRedeemed(bytes32 indexed channelId, uint256 cumulativeAmount, uint256 redeemed, uint256 paid);
    event ChannelClosed(bytes32 indexed channelId, uint256 redeemed, uint256 refunded);

    error ChannelExists(bytes32 channelId);
    error UnknownChannel(bytes32 channelId);
    error ChannelIsClosed(bytes32 channelId);
    error NotPayer(bytes32 channelId);
    error NotPayee(bytes32 channelId);
    error InvalidPayee();
    error ExpiryNotInFuture(uint64 expiry);
    error ExpiryDecreased(uint64 current, uint64 requested);
    error WrongNativeValue(uint256 expected, uint256 sent);
    error ZeroDeposit();
    error DepositTooLarge();
    error VoucherNotNewer(uint256 redeemed, uint256 amount);
    error AmountExceedsDeposit(uint256 deposit, uint256 amount);
    error AmountExceedsVoucher(uint256 cumulativeAmount, uint256 amount);
    error InvalidVoucherSigner(address signer, address payer);
    error RedeemWindowClosed(uint256 deadline);
    error ChallengePeriodActive(uint256 reclaimableAt);

    constructor(uint64 challengePeriod_) EIP712("OpenLedger PaymentChannel", "1") {
        challengePeriod = challengePeriod_;
    }

    /// @notice The id `open` will give a channel; includes chain id and this contract.
    function channelId(address payer, address payee, address token, bytes32 salt) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), payer, payee, token, salt));
    }

    function getChannel(bytes32 id) external view returns (Channel memory) {
        return _channels[id];
    }

    /// @notice EIP-712 digest of a voucher, as the payer's wallet signs it.
    function voucherDigest(bytes32 id, uint256 cumulativeAmount) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VOUCHER_TYPEHASH, id, cumulativeAmount)));
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @notice Open a channel from msg.sender to `payee`. For native OPEN pass token = 0 and
    /// attach exactly `amount`; for an ERC-20, approve this contract first.
    function open(address payee, address token, uint256 amount, uint64 expiry, bytes32 salt)
        external
        payable
        nonReentrant
        returns (bytes32 id)
    {
        if (payee == address(0) || payee == msg.sender) revert InvalidPayee();
        if (expiry <= block.timestamp) revert ExpiryNotInFuture(expiry);
        id = channelId(msg.sender, payee, token, salt);
        if (_channels[id].payer != address(0)) revert ChannelExists(id);
        uint256 received = _pull(token, amount);
        _channels[id] = Channel({
            payer: msg.sender,
            expiry: expiry,
            closed: false,
            payee: payee,
            token: token,
            deposit: uint128(received),
            redeemed: 0
        });
        emit ChannelOpened(id, msg.sender, payee, token, received, expiry);
    }

    /// @notice Add funds and optionally push the expiry out (never in).
    function topUp(bytes32 id, uint256 amount, uint64 newExpiry) external payable nonReentrant {
        Channel storage c = _live(id);
        if (msg.sender != c.payer) revert NotPayer(id);
        if (newExpiry < c.expiry) revert ExpiryDecreased(c.expiry, newExpiry);
        if (newExpiry <= block.timestamp) revert ExpiryNotInFuture(newExpiry);
        uint256 received = _pull(c.token, amount);
        uint256 total = uint256(c.deposit) + received;
        if (total > type(uint128).max) revert DepositTooLarge();
        c.deposit = uint128(total);
        c.expiry = newExpiry;
        emit ChannelToppedUp(id, received, newExpiry);
    }

    /// @notice Payee settles the payer's latest voucher up to `amount` (at most the voucher's
    /// cumulativeAmount), which becomes the channel's redeemed total; the channel stays open.
    function redeem(bytes32 id, uint256 cumulativeAmount, uint256 amount, bytes calldata signature)
        external
        nonReentrant
    {
        Channel storage c = _live(id);
        if (msg.sender != c.payee) revert NotPayee(id);
        uint256 deadline = uint256(c.expiry) + challengePeriod;
        if (block.timestamp >= deadline) revert RedeemWindowClosed(deadline);
        uint256 paid = _acceptVoucher(c, id, cumulativeAmount, amount, signature);
        emit VoucherRedeemed(id, cumulativeAmount, amount, paid);
        _push(c.token, c.payee, paid);
    }

    /// @notice Payee ends the channel now: settles the voucher up to `amount` if that is newer
    /// (pass an empty signature to settle nothing) and refunds the rest of the deposit to the payer.
    function close(bytes32 id, uint256 cumulativeAmount, uint256 amount, bytes calldata signature)
        external
        nonReentrant
    {
        Channel storage c = _live(id);
        if (msg.sender != c.payee) revert NotPayee(id);
        uint256 paid;
        if (signature.length != 0) {
            uint256 deadline = uint256(c.expiry) + challengePeriod;
            if (block.timestamp >= deadline) revert RedeemWindowClosed(deadline);
            paid = _acceptVoucher(c, id, cumulativeAmount, amount, signature);
            emit VoucherRedeemed(id, cumulativeAmount, amount, paid);
        }
        uint256 refund = uint256(c.deposit) - c.redeemed;
        c.closed = true;
        emit ChannelClosed(id, c.redeemed, refund);
        _push(c.token, c.payee, paid);
        _push(c.token, c.payer, refund);
    }

    /// @notice Payer takes back the unredeemed deposit once expiry + challengePeriod has passed.
    function reclaim(bytes32 id) external nonReentrant {
        Channel storage c = _live(id);
        if (msg.sender != c.payer) revert NotPayer(id);
        uint256 at = uint256(c.expiry) + challengePeriod;
        if (block.timestamp < at) revert ChallengePeriodActive(at);
        uint256 refund = uint256(c.deposit) - c.redeemed;
        c.closed = true;
        emit ChannelClosed(id, c.redeemed, refund);
        _push(c.token, c.payer, refund);
    }

    function _live(bytes32 id) private view returns (Channel storage c) {
        c = _channels[id];
        if (c.payer == address(0)) revert UnknownChannel(id);
        if (c.closed) revert ChannelIsClosed(id);
    }

    function _acceptVoucher(
        Channel storage c,
        bytes32 id,
        uint256 cumulativeAmount,
        uint256 amount,
        bytes calldata signature
    ) private returns (uint256 paid) {
        uint256 redeemed = c.redeemed;
        if (amount > cumulativeAmount) revert AmountExceedsVoucher(cumulativeAmount, amount);
        if (amount <= redeemed) revert VoucherNotNewer(redeemed, amount);
        if (amount > c.deposit) revert AmountExceedsDeposit(c.deposit, amount);
        // OZ ECDSA rejects malleable (high-s) signatures and bad lengths with typed errors.
        address signer = ECDSA.recover(voucherDigest(id, cumulativeAmount), signature);
        if (signer != c.payer) revert InvalidVoucherSigner(signer, c.payer);
        c.redeemed = uint128(amount);
        paid = amount - redeemed;
    }

    function _pull(address token, uint256 amount) private returns (uint256 received) {
        if (amount == 0) revert ZeroDeposit();
        if (amount > type(uint128).max) revert DepositTooLarge();
        if (token == address(0)) {
            if (msg.value != amount) revert WrongNativeValue(amount, msg.value);
            return amount;
        }
        if (msg.value != 0) revert WrongNativeValue(0, msg.value);
        // Credit what actually arrived, so fee-on-transfer tokens cannot overdraw the channel.
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        received = IERC20(token).balanceOf(address(this)) - before;
        if (received == 0) revert ZeroDeposit();
    }

    function _push(address token, address to, uint256 amount) private {
        if (amount == 0) return;
        if (token == address(0)) {
            // Bubbles the recipient's revert reason, so a failed payout says why.
            Address.sendValue(payable(to), amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
