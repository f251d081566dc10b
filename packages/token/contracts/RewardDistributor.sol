// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title Contributor reward distribution.
/// @notice Two paths:
///  - epochs: a funder deposits the total and publishes the Merkle root of (index, account,
///    amount) entitlements, leaves encoded like OpenZeppelin's StandardMerkleTree; each
///    entitlement is claimable once (bitmap) until the deadline, after which the unclaimed rest
///    returns to the funder;
///  - batch: the payer pushes many payouts in one transaction, with no per-payee storage of
///    our own, which is the cheap path when the payer already knows every address.
contract RewardDistributor is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    struct Epoch {
        address funder;
        uint64 deadline;
        address token;
        bytes32 root;
        uint256 remaining;
    }

    /// Gas forwarded to each native recipient of a batch; a recipient that reverts or needs
    /// more is credited in `owed` instead of failing everyone else's payment.
    uint256 public constant BATCH_NATIVE_GAS = 30_000;

    uint256 public epochCount;
    mapping(uint256 epochId => Epoch) private _epochs;
    mapping(uint256 epochId => mapping(uint256 word => uint256 bits)) private _claimed;
    /// Native OPEN a batch could not deliver, withdrawable by its owner.
    mapping(address account => uint256 amount) public owed;

    event EpochFunded(uint256 indexed epochId, address indexed funder, address token, bytes32 root, uint256 total, uint64 deadline);
    event Claimed(uint256 indexed epochId, uint256 index, address indexed account, uint256 amount);
    event EpochReclaimed(uint256 indexed epochId, uint256 amount);
    event BatchPaid(address indexed payer, address token, uint256 count, uint256 total);
    event PaymentDeferred(address indexed account, uint256 amount);

    error UnknownEpoch(uint256 epochId);
    error DeadlineNotInFuture(uint64 deadline);
    error ZeroTotal();
    error WrongNativeValue(uint256 expected, uint256 sent);
    error UnexpectedTokenBalance(uint256 expected, uint256 received);
    error AlreadyClaimed(uint256 epochId, uint256 index);
    error InvalidProof();
    error ClaimWindowClosed(uint64 deadline);
    error DeadlineNotReached(uint64 deadline);
    error EpochBalanceExceeded(uint256 remaining, uint256 amount);
    error NothingOwed();

    function getEpoch(uint256 epochId) external view returns (Epoch memory) {
        return _epochs[epochId];
    }

    function isClaimed(uint256 epochId, uint256 index) public view returns (bool) {
        return (_claimed[epochId][index >> 8] >> (index & 0xff)) & 1 == 1;
    }

    /// @notice Fund a new epoch with `total` of `token` (0 = native OPEN, attach it).
    function fundEpoch(bytes32 root, address token, uint256 total, uint64 deadline)
        external
        payable
        nonReentrant
        returns (uint256 epochId)
    {
        if (total == 0) revert ZeroTotal();
        if (deadline <= block.timestamp) revert DeadlineNotInFuture(deadline);
        if (token == address(0)) {
            if (msg.value != total) revert WrongNativeValue(total, msg.value);
        } else {
            if (msg.value != 0) revert WrongNativeValue(0, msg.value);
            uint256 before = IERC20(token).balanceOf(address(this));
            IERC20(token).safeTransferFrom(msg.sender, address(this), total);
            uint256 received = IERC20(token).balanceOf(address(this)) - before;
            if (received != total) revert UnexpectedTokenBalance(total, received);
        }
        epochId = ++epochCount;
        _epochs[epochId] = Epoch({funder: msg.sender, deadline: deadline, token: token, root: root, remaining: total});
        emit EpochFunded(epochId, msg.sender, token, root, total, deadline);
    }

    /// @notice Pay `account` its entitlement `amount` at leaf `index` of the epoch's tree.
    /// Anyone may submit the claim; the funds always go to `account`.
    function claim(uint256 epochId, uint256 index, address account, uint256 amount, bytes32[] calldata proof)
        external
        nonReentrant
    {
        Epoch storage e = _epochs[epochId];
        if (e.funder == address(0)) revert UnknownEpoch(epochId);
        if (block.timestamp >= e.deadline) revert ClaimWindowClosed(e.deadline);
        uint256 word = index >> 8;
        uint256 bit = 1 << (index & 0xff);
        uint256 bits = _claimed[epochId][word];
        if (bits & bit != 0) revert AlreadyClaimed(epochId, index);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))));
        if (!MerkleProof.verifyCalldata(proof, e.root, leaf)) revert InvalidProof();
        uint256 remaining = e.remaining;
        // A root that promises more than was funded must not drain other epochs.
        if (amount > remaining) revert EpochBalanceExceeded(remaining, amount);
        _claimed[epochId][word] = bits | bit;
        e.remaining = remaining - amount;
        emit Claimed(epochId, index, account, amount);
        _send(e.token, account, amount);
    }

    /// @notice After the deadline, return what nobody claimed to the funder.
    function reclaim(uint256 epochId) external nonReentrant {
        Epoch storage e = _epochs[epochId];
        if (e.funder == address(0)) revert UnknownEpoch(epochId);
        if (block.timestamp < e.deadline) revert DeadlineNotReached(e.deadline);
        uint256 amount = e.remaining;
        e.remaining = 0;
        emit EpochReclaimed(epochId, amount);
        _send(e.token, e.funder, amount);
    }

    /// @notice Pay many accounts in one transaction. Each entry packs
    /// `uint256(uint160(account)) << 96 | amount` (amount < 2^96), halving calldata.
    /// For an ERC-20, approve the total first; for native OPEN attach exactly the total.
    function batchPay(address token, bytes32[] calldata entries) external payable nonReentrant {
        uint256 n = entries.length;
        uint256 total;
        if (token == address(0)) {
            for (uint256 i; i < n; ++i) {
                uint256 packed = uint256(entries[i]);
                address to = address(uint160(packed >> 96));
                uint256 amount = packed & type(uint96).max;
                total += amount;
                bool ok;
                assembly ("memory-safe") {
                    ok := call(BATCH_NATIVE_GAS, to, amount, 0, 0, 0, 0)
                }
                if (!ok) {
                    owed[to] += amount;
                    emit PaymentDeferred(to, amount);
                }
            }
            if (msg.value != total) revert WrongNativeValue(total, msg.value);
        } else {
            if (msg.value != 0) revert WrongNativeValue(0, msg.value);
            for (uint256 i; i < n; ++i) {
                total += uint256(entries[i]) & type(uint96).max;
            }
            // Pull once, then push from our own (warm) balance: cheaper than n transferFrom
            // calls that would each also rewrite the allowance.
            IERC20(token).safeTransferFrom(msg.sender, address(this), total);
            for (uint256 i; i < n; ++i) {
                uint256 packed = uint256(entries[i]);
                IERC20(token).safeTransfer(address(uint160(packed >> 96)), packed & type(uint96).max);
            }
        }
        emit BatchPaid(msg.sender, token, n, total);
    }

    /// @notice Collect native OPEN a batch could not deliver.
    function withdrawOwed() external nonReentrant {
        uint256 amount = owed[msg.sender];
        if (amount == 0) revert NothingOwed();
        owed[msg.sender] = 0;
        _send(address(0), msg.sender, amount);
    }

    function _send(address token, address to, uint256 amount) private {
        if (amount == 0) return;
        if (token == address(0)) {
            // Bubbles the recipient's revert reason, so a failed payout says why.
            Address.sendValue(payable(to), amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
