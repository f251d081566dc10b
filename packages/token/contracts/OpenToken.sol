// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title OPEN-compatible ERC-20 for devnets and tests.
/// @notice Mirrors OPEN on Ethereum: 18 decimals, a fixed supply of one billion minted once,
/// and deliberately no EIP-2612 permit (integrations must use approve + transferFrom).
contract OpenToken is ERC20 {
    constructor(address holder) ERC20("OpenLedger", "OPEN") {
        _mint(holder, 1_000_000_000 ether);
    }
}
