// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title OPEN staking of worker operators
/// @notice Operators stake OPEN to run serving workers. Unstaking is two-step: a request moves
/// stake out of the active balance at once and starts a cooldown, after which it can be
/// withdrawn. Governance (SLASHER role, held by the timelock) slashes misbehaving operators; the
/// slashed OPEN goes to the treasury.
///
/// A slash cannot be dodged: the cooldown is at least `minCooldown` (fixed at deployment to the
/// governance voting period plus the timelock delay), so stake requested out after a slash
/// proposal starts is still there when it executes; a slash takes what is there, up to the amount
/// voted, instead of reverting; and the GUARDIAN can freeze an account's unstaking and
/// withdrawals for `freezePeriod` while a slash proposal is pending.
///
/// Datanet contributors stake here too (a Datanet may require a minimum stake to contribute). The
/// PENALIZER role, held by the DatanetRegistry, takes a bounded fraction of a contributor's stake
/// when upheld curation flags push their penalty score over the governance threshold.
contract Staking is AccessControl, ReentrancyGuard {
    using SafeERC20 for IERC20;

    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice Role of the DatanetRegistry: takes a fraction of a penalised contributor's stake.
    bytes32 public constant PENALIZER_ROLE = keccak256("PENALIZER_ROLE");
    /// @notice Largest fraction of a stake one penalty may take (bps), so a compromised
    /// PENALIZER cannot take everything at once.
    uint16 public constant MAX_PENALTY_BPS = 5_000;

    /// @notice Longest unstake cooldown.
    uint64 public constant MAX_COOLDOWN = 180 days;
    /// @notice Longest freeze the guardian can impose at once.
    uint64 public constant MAX_FREEZE_PERIOD = 30 days;

    struct Position {
        uint256 active;
        uint256 pending;
        uint64 unlockAt;
        uint64 frozenUntil;
    }

    IERC20 public immutable token;
    /// @notice Shortest cooldown governance may set.
    uint64 public immutable minCooldown;
    /// @notice How long one guardian freeze lasts.
    uint64 public immutable freezePeriod;
    address public treasury;
    uint64 public cooldown;

    mapping(address account => Position) private _positions;

    event Staked(address indexed account, uint256 amount);
    event UnstakeRequested(address indexed account, uint256 amount, uint64 unlockAt);
    event Withdrawn(address indexed account, uint256 amount);
    event Slashed(address indexed account, uint256 amount, address treasury, bytes32 reason);
    event Frozen(address indexed account, uint64 until, address guardian);
    event Unfrozen(address indexed account);
    event CooldownChanged(uint64 seconds_);
    event TreasuryChanged(address treasury);

    error StakingZeroAmount();
    error StakingZeroAddress();
    error StakingInsufficientStake(uint256 available, uint256 requested);
    error StakingCooldownNotOver(uint64 unlockAt);
    error StakingNothingToWithdraw();
    error StakingNothingToSlash(address account);
    error StakingInvalidCooldown(uint64 seconds_, uint64 min, uint64 max);
    error StakingInvalidFreezePeriod(uint64 seconds_);
    error StakingFrozen(address account, uint64 until);
    error StakingInvalidPenalty(uint16 bps);

    /// @dev Requirements: no zero address; `minCooldown_` <= `cooldown_` <= {MAX_COOLDOWN};
    /// 0 < `freezePeriod_` <= {MAX_FREEZE_PERIOD}.
    constructor(
        IERC20 token_,
        address treasury_,
        uint64 cooldown_,
        uint64 minCooldown_,
        uint64 freezePeriod_,
        address admin,
        address slasher,
        address guardian
    ) {
        if (
            address(token_) == address(0) || treasury_ == address(0) || admin == address(0) || slasher == address(0)
                || guardian == address(0)
        ) revert StakingZeroAddress();
        if (minCooldown_ > MAX_COOLDOWN) revert StakingInvalidCooldown(minCooldown_, 0, MAX_COOLDOWN);
        if (freezePeriod_ == 0 || freezePeriod_ > MAX_FREEZE_PERIOD) revert StakingInvalidFreezePeriod(freezePeriod_);
        token = token_;
        treasury = treasury_;
        minCooldown = minCooldown_;
        freezePeriod = freezePeriod_;
        _setCooldown(cooldown_);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(SLASHER_ROLE, slasher);
        _grantRole(GUARDIAN_ROLE, guardian);
    }

    /// @dev Requirements: `amount` > 0, approved. Emits {Staked}.
    function stake(uint256 amount) external nonReentrant {
        if (amount == 0) revert StakingZeroAmount();
        _positions[msg.sender].active += amount;
        token.safeTransferFrom(msg.sender, address(this), amount);
        emit Staked(msg.sender, amount);
    }

    /// @notice Starts the cooldown of `amount`; a new request restarts the cooldown of all pending stake.
    /// @dev Requirements: 0 < `amount` <= active stake; not frozen. Emits {UnstakeRequested}.
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert StakingZeroAmount();
        Position storage p = _positions[msg.sender];
        _notFrozen(msg.sender, p);
        if (p.active < amount) revert StakingInsufficientStake(p.active, amount);
        p.active -= amount;
        p.pending += amount;
        p.unlockAt = uint64(block.timestamp) + cooldown;
        emit UnstakeRequested(msg.sender, amount, p.unlockAt);
    }

    /// @dev Requirements: pending stake; cooldown over; not frozen. Emits {Withdrawn}.
    function withdraw() external nonReentrant {
        Position storage p = _positions[msg.sender];
        uint256 amount = p.pending;
        if (amount == 0) revert StakingNothingToWithdraw();
        if (block.timestamp < p.unlockAt) revert StakingCooldownNotOver(p.unlockAt);
        _notFrozen(msg.sender, p);
        p.pending = 0;
        token.safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, amount);
    }

    /// @notice Takes up to `amount` from the account's active stake, then from its pending stake,
    /// to the treasury, and lifts any freeze. Takes what is there when less is left.
    /// @return slashed the amount taken
    /// @dev Requirements: SLASHER_ROLE; `amount` > 0; the account holds some stake. Emits {Slashed}.
    function slash(address account, uint256 amount, bytes32 reason)
        external
        onlyRole(SLASHER_ROLE)
        nonReentrant
        returns (uint256 slashed)
    {
        if (amount == 0) revert StakingZeroAmount();
        Position storage p = _positions[account];
        if (p.active + p.pending == 0) revert StakingNothingToSlash(account);
        p.frozenUntil = 0;
        slashed = _take(account, p, amount, reason);
    }

    /// @notice Takes `bps` of the account's stake (active, then pending) to the treasury, for a
    /// contributor whose penalty score passed the governance threshold. Takes nothing, without
    /// reverting, when the account holds no stake, so resolving a flag never fails for lack of one.
    /// @return taken the amount taken
    /// @dev Requirements: PENALIZER_ROLE; 0 < `bps` <= {MAX_PENALTY_BPS}. Emits {Slashed} when it
    /// takes something.
    function penalize(address account, uint16 bps, bytes32 reason)
        external
        onlyRole(PENALIZER_ROLE)
        nonReentrant
        returns (uint256 taken)
    {
        if (bps == 0 || bps > MAX_PENALTY_BPS) revert StakingInvalidPenalty(bps);
        Position storage p = _positions[account];
        uint256 amount = ((p.active + p.pending) * bps) / 10_000;
        if (amount == 0) return 0;
        taken = _take(account, p, amount, reason);
    }

    /// @notice Freezes the account's unstake requests and withdrawals for {freezePeriod}, while a
    /// slash proposal against it is voted on.
    /// @dev Requirements: GUARDIAN_ROLE; the account is not frozen now. Emits {Frozen}.
    function freeze(address account) external onlyRole(GUARDIAN_ROLE) {
        Position storage p = _positions[account];
        if (p.frozenUntil > block.timestamp) revert StakingFrozen(account, p.frozenUntil);
        p.frozenUntil = uint64(block.timestamp) + freezePeriod;
        emit Frozen(account, p.frozenUntil, msg.sender);
    }

    /// @dev Requirements: DEFAULT_ADMIN_ROLE. Emits {Unfrozen}.
    function unfreeze(address account) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _positions[account].frozenUntil = 0;
        emit Unfrozen(account);
    }

    /// @dev Requirements: DEFAULT_ADMIN_ROLE; {minCooldown} <= `seconds_` <= {MAX_COOLDOWN}.
    /// Emits {CooldownChanged}.
    function setCooldown(uint64 seconds_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setCooldown(seconds_);
    }

    /// @dev Requirements: DEFAULT_ADMIN_ROLE; not the zero address. Emits {TreasuryChanged}.
    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (treasury_ == address(0)) revert StakingZeroAddress();
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

    /// @notice Until when the account's stake is frozen (0 or past when it is not).
    function frozenUntil(address account) external view returns (uint64) {
        return _positions[account].frozenUntil;
    }

    function _setCooldown(uint64 seconds_) private {
        if (seconds_ < minCooldown || seconds_ > MAX_COOLDOWN) {
            revert StakingInvalidCooldown(seconds_, minCooldown, MAX_COOLDOWN);
        }
        cooldown = seconds_;
        emit CooldownChanged(seconds_);
    }

    function _take(address account, Position storage p, uint256 amount, bytes32 reason)
        private
        returns (uint256 taken)
    {
        uint256 total = p.active + p.pending;
        taken = amount < total ? amount : total;
        if (p.active >= taken) {
            p.active -= taken;
        } else {
            p.pending -= taken - p.active;
            p.active = 0;
        }
        token.safeTransfer(treasury, taken);
        emit Slashed(account, taken, treasury, reason);
    }

    function _notFrozen(address account, Position storage p) private view {
        if (p.frozenUntil > block.timestamp) revert StakingFrozen(account, p.frozenUntil);
    }
}
