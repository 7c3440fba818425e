// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title Test fixture: the least a cumulative Merkle distributor can do
/// @notice One root set by its owner, a claimed amount per account, the same leaf encoding as
/// RewardDistributor, a Claimed event as every distributor emits, and nothing else (no roles,
/// activation, veto, pause or totals). The gas
/// benchmark measures RewardDistributor's claims against this one in the same run.
contract MinimalDistributor {
    using SafeERC20 for IERC20;

    IERC20 public immutable token;
    address public immutable owner;
    bytes32 public root;
    mapping(address account => uint256) public claimed;

    event Claimed(address indexed account, uint256 amount, uint256 cumulativeAmount);

    error MinimalDistributorInvalidProof();

    constructor(IERC20 token_) {
        token = token_;
        owner = msg.sender;
    }

    function setRoot(bytes32 root_) external {
        require(msg.sender == owner);
        root = root_;
    }

    function claim(address account, uint256 cumulativeAmount, bytes32[] calldata proof)
        external
        returns (uint256 amount)
    {
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(address(this), account, cumulativeAmount))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert MinimalDistributorInvalidProof();
        uint256 already = claimed[account];
        if (cumulativeAmount <= already) return 0;
        amount = cumulativeAmount - already;
        claimed[account] = cumulativeAmount;
        token.safeTransfer(account, amount);
        emit Claimed(account, amount, cumulativeAmount);
    }
}
