// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title OPEN staking of worker operators
/// @notice Operators stake OPEN to run serving workers. Unstaking is two-step: a request moves
/// stake out of the active balance at once and starts a cooldown, after which it can be
/// withdrawn. Governance (SLASHER role, held by the timelock) slashes misbehaving operators; the
/// slashed OPEN goes to the treasury. Stake waiting in its cooldown can be slashed too, so a
/// request to unstake does not escape a pending slash.
contract Staking is AccessControl, ReentrancyGuard {
    using SafeERC20 for IERC20;

    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");

    struct Position {
        uint256 active;
        uint256 pending;
        uint64 unlockAt;
    }

    IERC20 public immutable token;
    address public treasury;
    uint64 public cooldown;

    mapping(address account => Position) private _positions;

    event Staked(address indexed account, uint256 amount);
    event UnstakeRequested(address indexed account, uint256 amount, uint64 unlockAt);
    event Withdrawn(address indexed account, uint256 amount);
    event Slashed(address indexed account, uint256 amount, address treasury, bytes32 reason);
    event CooldownChanged(uint64 seconds_);
    event TreasuryChanged(address treasury);

    error ZeroAmount();
    error ZeroAddress();
    error InsufficientStake(uint256 available, uint256 requested);
    error CooldownNotOver(uint64 unlockAt);
    error NothingToWithdraw();

    constructor(IERC20 token_, address treasury_, uint64 cooldown_, address admin, address slasher) {
        if (address(token_) == address(0) || treasury_ == address(0) || admin == address(0)) revert ZeroAddress();
        token = token_;
        treasury = treasury_;
        cooldown = cooldown_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (slasher != address(0)) _grantRole(SLASHER_ROLE, slasher);
    }

    function stake(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        _positions[msg.sender].active += amount;
        token.safeTransferFrom(msg.sender, address(this), amount);
        emit Staked(msg.sender, amount);
    }

    /// @notice Starts the cooldown of `amount`; a new request restarts the cooldown of all pending stake.
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        Position storage p = _positions[msg.sender];
        if (p.active < amount) revert InsufficientStake(p.active, amount);
        p.active -= amount;
        p.pending += amount;
        p.unlockAt = uint64(block.timestamp) + cooldown;
        emit UnstakeRequested(msg.sender, amount, p.unlockAt);
    }

    function withdraw() external nonReentrant {
        Position storage p = _positions[msg.sender];
        uint256 amount = p.pending;
        if (amount == 0) revert NothingToWithdraw();
        if (block.timestamp < p.unlockAt) revert CooldownNotOver(p.unlockAt);
        p.pending = 0;
        token.safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, amount);
    }

    /// @notice Takes `amount` from the account's active stake, then from its pending stake, to the treasury.
    function slash(address account, uint256 amount, bytes32 reason) external onlyRole(SLASHER_ROLE) nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Position storage p = _positions[account];
        uint256 total = p.active + p.pending;
        if (total < amount) revert InsufficientStake(total, amount);
        if (p.active >= amount) {
            p.active -= amount;
        } else {
            p.pending -= amount - p.active;
            p.active = 0;
        }
        token.safeTransfer(treasury, amount);
        emit Slashed(account, amount, treasury, reason);
    }

    function setCooldown(uint64 seconds_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        cooldown = seconds_;
        emit CooldownChanged(seconds_);
    }

    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (treasury_ == address(0)) revert ZeroAddress();
        treasury = treasury_;
        emit TreasuryChanged(treasury_);
    }

    /// @notice Active stake, the amount that counts for running workers.
    function stakeOf(address account) external view returns (uint256) {
        return _positions[account].active;
    }

    /// @notice (active, pending, unlockAt) of an account.
    function positionOf(address account) external view returns (uint256, uint256, uint64) {
        Position storage p = _positions[account];
        return (p.active, p.pending, p.unlockAt);
    }
}
