// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Test-only attacker: makes a call, and when it receives native OPEN during that call
/// re-enters the same target with a prepared call (e.g. a second redeem or claim).
/// Reverts from the re-entry bubble up, so a guarded target makes the whole attack revert.
contract Reenterer {
    address private _target;
    bytes private _reentry;
    uint256 public reentries;

    function attack(address target, bytes calldata firstCall, bytes calldata reentryCall) external {
        _target = target;
        _reentry = reentryCall;
        _forward(target, firstCall);
    }

    receive() external payable {
        if (_reentry.length == 0) return;
        bytes memory data = _reentry;
        delete _reentry;
        reentries += 1;
        _forward(_target, data);
    }

    function _forward(address target, bytes memory data) private {
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
    }
}
