// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ProtocolParams} from "./ProtocolParams.sol";

/// @title Cumulative Merkle reward distributor
/// @notice Once per epoch the settlement job posts the root of a StandardMerkleTree whose leaves
/// are (account, cumulative OPEN owed since the start). Posting costs the same whatever the number
/// of accounts. A root becomes claimable `ProtocolParams.activationDelay` seconds after it is
/// posted; until then a GUARDIAN may revoke it. A claim against the latest active root pays the
/// cumulative amount minus what the account has already been paid, so one claim pays everything
/// owed so far and no wei is paid twice.
/// @dev Modelled on Uniswap's MerkleDistributor (proofs), EigenLayer's RewardsCoordinator
/// (cumulative claims) and Morpho's URD (pending root with veto). Claims keep no running total
/// (it would cost every claim a storage write); sum the Claimed events instead. The reentrancy
/// guard uses transient storage for the same reason.
contract RewardDistributor is AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    struct Distribution {
        bytes32 root;
        bytes32 manifestHash;
        uint256 totalCumulative;
        uint64 epoch;
        uint64 postedAt;
        uint64 activatesAt;
        bool revoked;
    }

    IERC20 public immutable token;
    ProtocolParams public immutable params;

    /// @notice OPEN ever funded; posted totals may not exceed it.
    uint256 public totalFunded;
    /// @notice OPEN paid so far to each account.
    mapping(address account => uint256) public claimed;

    Distribution[] private _distributions;

    event Funded(address indexed from, uint256 amount, uint256 totalFunded);
    event RootPosted(
        uint64 indexed epoch, uint256 indexed index, bytes32 root, uint256 totalCumulative, bytes32 manifestHash, uint64 activatesAt
    );
    event RootRevoked(uint64 indexed epoch, uint256 indexed index, address guardian);
    event Claimed(address indexed account, uint256 amount, uint256 cumulativeAmount, uint64 epoch, address submitter);

    error ZeroAddress();
    error ZeroAmount();
    error EpochNotIncreasing(uint64 epoch, uint64 lastEpoch);
    error TotalDecreasing(uint256 totalCumulative, uint256 lastTotal);
    error TotalAboveFunded(uint256 totalCumulative, uint256 totalFunded);
    error UnknownEpoch(uint64 epoch);
    error RootAlreadyActive(uint64 epoch);
    error RootAlreadyRevoked(uint64 epoch);
    error NoActiveRoot();
    error InvalidProof(address account, uint256 cumulativeAmount);

    constructor(IERC20 token_, ProtocolParams params_, address admin, address settler, address guardian) {
        if (address(token_) == address(0) || address(params_) == address(0) || admin == address(0)) {
            revert ZeroAddress();
        }
        token = token_;
        params = params_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (settler != address(0)) _grantRole(SETTLER_ROLE, settler);
        if (guardian != address(0)) _grantRole(GUARDIAN_ROLE, guardian);
    }

    /// @notice Adds `amount` OPEN (pulled from the caller, who approved it) to the reward pool.
    function fund(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        totalFunded += amount;
        token.safeTransferFrom(msg.sender, address(this), amount);
        emit Funded(msg.sender, amount, totalFunded);
    }

    /// @notice Posts the cumulative reward root of `epoch`.
    /// @param epoch must be above the last posted (and not revoked) epoch
    /// @param root StandardMerkleTree root of (address account, uint256 cumulativeAmount) leaves
    /// @param totalCumulative sum of all leaves; never below the previous root's, never above totalFunded
    /// @param manifestHash hash of the off-chain epoch manifest (tree dump, inputs) for audits
    function postRoot(uint64 epoch, bytes32 root, uint256 totalCumulative, bytes32 manifestHash)
        external
        onlyRole(SETTLER_ROLE)
    {
        (bool found, uint256 last) = _latestLive();
        if (found) {
            Distribution storage prev = _distributions[last];
            if (epoch <= prev.epoch) revert EpochNotIncreasing(epoch, prev.epoch);
            if (totalCumulative < prev.totalCumulative) revert TotalDecreasing(totalCumulative, prev.totalCumulative);
        }
        if (totalCumulative > totalFunded) revert TotalAboveFunded(totalCumulative, totalFunded);
        uint64 activatesAt = uint64(block.timestamp) + params.activationDelay();
        _distributions.push(
            Distribution(root, manifestHash, totalCumulative, epoch, uint64(block.timestamp), activatesAt, false)
        );
        emit RootPosted(epoch, _distributions.length - 1, root, totalCumulative, manifestHash, activatesAt);
    }

    /// @notice Vetoes a root that is not active yet. The next post may reuse its epoch.
    function revokeRoot(uint64 epoch) external onlyRole(GUARDIAN_ROLE) {
        for (uint256 i = _distributions.length; i > 0; i--) {
            Distribution storage d = _distributions[i - 1];
            if (d.epoch != epoch || d.revoked) continue;
            if (d.activatesAt <= block.timestamp) revert RootAlreadyActive(epoch);
            d.revoked = true;
            emit RootRevoked(epoch, i - 1, msg.sender);
            return;
        }
        revert UnknownEpoch(epoch);
    }

    /// @notice Pays `account` its `cumulativeAmount` minus what it was already paid, against the
    /// latest active root. Anyone may submit it; the OPEN always goes to `account`.
    /// @return amount paid now (0 when everything up to `cumulativeAmount` was already paid)
    function claim(address account, uint256 cumulativeAmount, bytes32[] calldata proof)
        external
        nonReentrant
        returns (uint256 amount)
    {
        (bool found, uint256 index) = _latestActive();
        if (!found) revert NoActiveRoot();
        Distribution storage d = _distributions[index];
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))));
        if (!MerkleProof.verifyCalldata(proof, d.root, leaf)) revert InvalidProof(account, cumulativeAmount);
        uint256 already = claimed[account];
        if (cumulativeAmount <= already) return 0;
        amount = cumulativeAmount - already;
        claimed[account] = cumulativeAmount;
        token.safeTransfer(account, amount);
        emit Claimed(account, amount, cumulativeAmount, d.epoch, msg.sender);
    }

    /// @notice The epoch of the last posted root that was not revoked, for a restarted committer.
    function lastPostedEpoch() external view returns (bool posted, uint64 epoch) {
        (bool found, uint256 index) = _latestLive();
        return found ? (true, _distributions[index].epoch) : (false, 0);
    }

    /// @notice The root claims are checked against now: (found, epoch, root, totalCumulative).
    function activeRoot() external view returns (bool found, uint64 epoch, bytes32 root, uint256 totalCumulative) {
        (bool ok, uint256 index) = _latestActive();
        if (!ok) return (false, 0, bytes32(0), 0);
        Distribution storage d = _distributions[index];
        return (true, d.epoch, d.root, d.totalCumulative);
    }

    function distributionCount() external view returns (uint256) {
        return _distributions.length;
    }

    function distributionAt(uint256 index) external view returns (Distribution memory) {
        return _distributions[index];
    }

    // Walks back from the newest root: only roots still inside their veto window (or revoked)
    // are skipped, so the walk is as short as the activation delay allows.
    function _latestActive() private view returns (bool, uint256) {
        for (uint256 i = _distributions.length; i > 0; i--) {
            Distribution storage d = _distributions[i - 1];
            if (!d.revoked && d.activatesAt <= block.timestamp) return (true, i - 1);
        }
        return (false, 0);
    }

    function _latestLive() private view returns (bool, uint256) {
        for (uint256 i = _distributions.length; i > 0; i--) {
            if (!_distributions[i - 1].revoked) return (true, i - 1);
        }
        return (false, 0);
    }
}
