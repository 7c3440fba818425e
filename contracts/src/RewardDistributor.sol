// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";
import {ProtocolParams} from "./ProtocolParams.sol";

/// @title Cumulative Merkle reward distributor
/// @notice Once per epoch the settlement job (SETTLER) posts the root of a StandardMerkleTree whose
/// leaves are (this distributor, account, cumulative OPEN owed since the start). The distributor's
/// own address in every leaf binds a tree to one deployment: a redeployment posted the same tree
/// cannot pay it again. A root becomes claimable
/// `ProtocolParams.activationDelay` seconds after it is posted; until then the GUARDIAN may revoke
/// it. A claim names the root it proves against; it pays the cumulative amount minus what the
/// account was already paid, so one claim pays everything owed so far and no wei is paid twice.
///
/// Every step costs the same whatever the number of roots: posting, revoking, disabling and
/// claiming each touch a fixed number of storage slots. A revoke removes the pending root and every
/// root posted after it (they are cumulative on top of it), so a flood of roots from a stolen
/// SETTLER key is undone by one transaction. The GUARDIAN can also pause posting and claiming; only
/// the admin (the governance timelock) unpauses, disables any root (active ones included) and
/// rotates roles. SETTLER and GUARDIAN are distinct accounts, and neither is the admin.
///
/// The payouts under a root can never exceed the total it declares: a claim checks that everything
/// paid out so far plus the claim stays within the root's `totalCumulative`, and a posted total
/// never exceeds what was funded.
/// @dev Modelled on EigenLayer's RewardsCoordinator (cumulative claims, root index, disableRoot,
/// pauser), Morpho's URD (pending root with veto) and Uniswap's MerkleDistributor (proofs). The
/// amount paid out is `totalFunded - balance`, read from the token rather than kept in a counter,
/// because a counter would cost every claim a storage write. No reentrancy guard: claims update
/// state before the transfer, and the token is OPEN, whose transfers call no one.
contract RewardDistributor is IRewardDistributor, AccessControl {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    // What a claim needs besides the root, in one slot: one cold read per claim.
    struct Pool {
        uint96 totalFunded;
        uint48 count;
        bool paused;
    }

    IERC20 public immutable token;
    ProtocolParams public immutable params;

    /// @notice OPEN paid so far to each account.
    mapping(address account => uint256) public claimed;

    Pool private _pool;
    mapping(uint256 index => Distribution) private _distributions;

    /// @dev Requirements: no zero address; `settler`, `guardian` and `admin` are three distinct accounts.
    constructor(IERC20 token_, ProtocolParams params_, address admin, address settler, address guardian) {
        if (
            address(token_) == address(0) || address(params_) == address(0) || admin == address(0)
                || settler == address(0) || guardian == address(0)
        ) {
            revert RewardDistributorZeroAddress();
        }
        if (settler == guardian || settler == admin) revert RewardDistributorRoleConflict(settler);
        if (guardian == admin) revert RewardDistributorRoleConflict(guardian);
        token = token_;
        params = params_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(SETTLER_ROLE, settler);
        _grantRole(GUARDIAN_ROLE, guardian);
    }

    /// @notice Adds `amount` OPEN (pulled from the caller, who approved it) to the reward pool.
    /// @dev Requirements: `amount` > 0. Emits {Funded}.
    function fund(uint256 amount) external {
        if (amount == 0) revert RewardDistributorZeroAmount();
        // OPEN's whole supply fits in 96 bits; SafeCast keeps any other token honest.
        uint256 funded = uint256(_pool.totalFunded) + amount;
        _pool.totalFunded = funded.toUint96();
        token.safeTransferFrom(msg.sender, address(this), amount);
        emit Funded(msg.sender, amount, funded);
    }

    /// @notice Posts the cumulative reward root of `epoch`; it becomes claimable after the activation delay.
    /// @param epoch above the epoch of the latest root, and not after the current epoch
    /// (`block.timestamp / epochLength`), so no post can block future ones
    /// @param root StandardMerkleTree root of (address distributor, address account, uint256
    /// cumulativeAmount) leaves, `distributor` being this contract
    /// @param totalCumulative sum of all leaves: not below the latest root's (unless that one was
    /// disabled), not above `totalFunded`; claims under this root never pay out more in total
    /// @param manifestHash hash of the off-chain epoch manifest (tree dump, inputs) for audits
    /// @dev Requirements: caller has SETTLER_ROLE; not paused; `root` is not zero.
    /// Emits {RootPosted}. Its activation time is never before the previous root's.
    function postRoot(uint64 epoch, bytes32 root, uint256 totalCumulative, bytes32 manifestHash)
        external
        onlyRole(SETTLER_ROLE)
    {
        Pool memory pool = _pool;
        if (pool.paused) revert RewardDistributorPaused();
        if (root == bytes32(0)) revert RewardDistributorZeroRoot();
        uint64 currentEpoch = uint64(block.timestamp / params.epochLength());
        if (epoch > currentEpoch) revert RewardDistributorEpochInFuture(epoch, currentEpoch);
        uint256 activatesAt = block.timestamp + params.activationDelay();
        if (pool.count > 0) {
            Distribution storage last = _distributions[pool.count - 1];
            if (epoch <= last.epoch) revert RewardDistributorEpochNotIncreasing(epoch, last.epoch);
            if (!last.disabled && totalCumulative < last.totalCumulative) {
                revert RewardDistributorTotalDecreasing(totalCumulative, last.totalCumulative);
            }
            // Later roots never activate before earlier ones, so a revoke of a pending root
            // only ever removes pending roots.
            if (last.activatesAt > activatesAt) activatesAt = last.activatesAt;
        }
        if (totalCumulative > pool.totalFunded) {
            revert RewardDistributorTotalAboveFunded(totalCumulative, pool.totalFunded);
        }
        uint256 index = pool.count;
        _distributions[index] =
            Distribution(root, uint128(totalCumulative), epoch, activatesAt.toUint40(), false, manifestHash);
        _pool.count = uint48(index + 1);
        emit RootPosted(epoch, index, root, totalCumulative, manifestHash, uint64(activatesAt));
    }

    /// @notice Vetoes the pending root at `index` together with every root posted after it.
    /// @dev Requirements: caller has GUARDIAN_ROLE; `index` is a posted root that is not active yet
    /// (then no later root is active either). Allowed while paused. Emits {RootsRevoked}.
    /// The next post is checked against the root before `index`.
    function revokeRoot(uint256 index) external onlyRole(GUARDIAN_ROLE) {
        uint48 count = _pool.count;
        if (index >= count) revert RewardDistributorUnknownRoot(index);
        if (_distributions[index].activatesAt <= block.timestamp) revert RewardDistributorRootAlreadyActive(index);
        _pool.count = uint48(index);
        emit RootsRevoked(index, count - index, msg.sender);
    }

    /// @notice Disables the root at `index`, pending or active: no claim against it succeeds again.
    /// @dev Requirements: caller has DEFAULT_ADMIN_ROLE (the governance timelock); `index` is a
    /// posted root not disabled yet. Emits {RootDisabled}.
    function disableRoot(uint256 index) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (index >= _pool.count) revert RewardDistributorUnknownRoot(index);
        Distribution storage d = _distributions[index];
        if (d.disabled) revert RewardDistributorRootDisabled(index);
        d.disabled = true;
        emit RootDisabled(index, d.epoch, msg.sender);
    }

    /// @notice Stops posting and claiming until the admin unpauses.
    /// @dev Requirements: caller has GUARDIAN_ROLE or DEFAULT_ADMIN_ROLE; not paused. Emits {Paused}.
    function pause() external {
        if (!hasRole(GUARDIAN_ROLE, msg.sender) && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert AccessControlUnauthorizedAccount(msg.sender, GUARDIAN_ROLE);
        }
        if (_pool.paused) revert RewardDistributorPaused();
        _pool.paused = true;
        emit Paused(msg.sender);
    }

    /// @dev Requirements: caller has DEFAULT_ADMIN_ROLE; paused. Emits {Unpaused}.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_pool.paused) revert RewardDistributorNotPaused();
        _pool.paused = false;
        emit Unpaused(msg.sender);
    }

    /// @notice Pays `account` its `cumulativeAmount` minus what it was already paid, proven against
    /// the root at `rootIndex`. Anyone may submit it; the OPEN always goes to `account`.
    /// @return amount paid now (0 when everything up to `cumulativeAmount` was already paid)
    /// @dev Requirements: not paused; the root is posted, active and not disabled; the proof is
    /// valid; the payouts so far plus `amount` stay within the root's total. Emits {Claimed} when
    /// it pays. Any active root may be named: an older one pays nothing new once a newer one was
    /// claimed, because leaves are cumulative.
    function claim(uint256 rootIndex, address account, uint256 cumulativeAmount, bytes32[] calldata proof)
        external
        returns (uint256 amount)
    {
        Pool memory pool = _pool;
        if (pool.paused) revert RewardDistributorPaused();
        if (rootIndex >= pool.count) revert RewardDistributorUnknownRoot(rootIndex);
        Distribution storage d = _distributions[rootIndex];
        uint256 totalCumulative = d.totalCumulative;
        uint40 activatesAt = d.activatesAt;
        if (d.disabled) revert RewardDistributorRootDisabled(rootIndex);
        if (activatesAt > block.timestamp) revert RewardDistributorRootNotActive(rootIndex, activatesAt);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(address(this), account, cumulativeAmount))));
        if (!MerkleProof.verifyCalldata(proof, d.root, leaf)) {
            revert RewardDistributorInvalidProof(account, cumulativeAmount);
        }
        uint256 already = claimed[account];
        if (cumulativeAmount <= already) return 0;
        amount = cumulativeAmount - already;
        uint256 paidOut = _paidOut(pool.totalFunded) + amount;
        if (paidOut > totalCumulative) revert RewardDistributorRootOverspent(rootIndex, paidOut, totalCumulative);
        claimed[account] = cumulativeAmount;
        token.safeTransfer(account, amount);
        emit Claimed(account, rootIndex, amount, cumulativeAmount, msg.sender);
    }

    /// @notice OPEN ever funded; posted totals may not exceed it.
    function totalFunded() external view returns (uint256) {
        return _pool.totalFunded;
    }

    /// @notice OPEN paid out by claims so far (funded minus balance; OPEN sent here without
    /// {fund} counts as extra funds).
    function totalClaimed() external view returns (uint256) {
        return _paidOut(_pool.totalFunded);
    }

    function paused() external view returns (bool) {
        return _pool.paused;
    }

    /// @notice The epoch of the latest posted root (disabled or not), for a restarted committer.
    function lastPostedEpoch() external view returns (bool posted, uint64 epoch) {
        uint48 count = _pool.count;
        return count == 0 ? (false, 0) : (true, _distributions[count - 1].epoch);
    }

    /// @notice The newest root a claim can use now: (found, index). Walks back over pending and
    /// disabled roots; a view for clients, never called by a transaction.
    function activeRootIndex() public view returns (bool found, uint256 index) {
        for (uint256 i = _pool.count; i > 0; i--) {
            Distribution storage d = _distributions[i - 1];
            if (!d.disabled && d.activatesAt <= block.timestamp) return (true, i - 1);
        }
        return (false, 0);
    }

    /// @notice The newest claimable root: (found, epoch, root, totalCumulative).
    function activeRoot() external view returns (bool found, uint64 epoch, bytes32 root, uint256 totalCumulative) {
        (bool ok, uint256 index) = activeRootIndex();
        if (!ok) return (false, 0, bytes32(0), 0);
        Distribution storage d = _distributions[index];
        return (true, d.epoch, d.root, d.totalCumulative);
    }

    /// @notice Number of posted roots (revoked ones are removed; disabled ones stay).
    function distributionCount() external view returns (uint256) {
        return _pool.count;
    }

    function distributionAt(uint256 index) external view returns (Distribution memory) {
        if (index >= _pool.count) revert RewardDistributorUnknownRoot(index);
        return _distributions[index];
    }

    /// @dev SETTLER and GUARDIAN never go to the same account: one stolen key must not both post
    /// and veto.
    function _grantRole(bytes32 role, address account) internal override returns (bool) {
        bool conflict;
        if (role == SETTLER_ROLE) {
            conflict = hasRole(GUARDIAN_ROLE, account) || hasRole(DEFAULT_ADMIN_ROLE, account);
        } else if (role == GUARDIAN_ROLE) {
            conflict = hasRole(SETTLER_ROLE, account) || hasRole(DEFAULT_ADMIN_ROLE, account);
        } else if (role == DEFAULT_ADMIN_ROLE) {
            conflict = hasRole(SETTLER_ROLE, account) || hasRole(GUARDIAN_ROLE, account);
        }
        if (conflict) revert RewardDistributorRoleConflict(account);
        return super._grantRole(role, account);
    }

    function _paidOut(uint256 funded) private view returns (uint256) {
        uint256 balance = token.balanceOf(address(this));
        return balance >= funded ? 0 : funded - balance;
    }
}
