// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title gOPEN: governance wrapper of the native OPEN token.
/// @notice 1:1 wrap through payable `deposit()`, unwrap through `withdraw(amount)`.
/// Votes use timestamps as the clock (ERC-6372), so checkpoints survive block-time changes
/// of the rollup; votes count only after delegation (self-delegation included).
contract GOpen is ERC20, ERC20Permit, ERC20Votes {

    constructor() ERC20("Governance OPEN", "gOPEN") ERC20Permit("Governance OPEN") {}

    /// @notice Wrap the attached native OPEN.
    function deposit() public payable {
        _mint(msg.sender, msg.value);
    }

    receive() external payable {
        deposit();
    }

    /// @notice Burn `amount` gOPEN and send the same amount of native OPEN back.
    function withdraw(uint256 amount) external {
        // Burn first: the external call happens after all state changes.
        _burn(msg.sender, amount);
        Address.sendValue(payable(msg.sender), amount);
    }

    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
