// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {ProtocolParams} from "./ProtocolParams.sol";
import {Staking} from "./Staking.sol";

/// @title Registry of Datanets and of the Merkle roots of their index shards
/// @notice A Datanet is a community dataset with an owner, a treasury and a metadata URI.
/// Contributors sign their submissions with EIP-712 in this contract's domain
/// ("Payable Datanets", "1"); the ingest job anchors the root of every sealed index shard here.
/// A Datanet's id is derived from its creator and a salt the creator picks
/// (`keccak256(abi.encode(creator, salt))`, as CREATE2 derives addresses), so no one can take an id
/// another account is about to create.
///
/// Curation: a Datanet's owner appoints curators, who flag a contribution (by its id,
/// `keccak256(abi.encode(datanetId, contributor, nonce))`, the id the ingest job gives it) with a
/// reason code and the hash of their evidence. The contributor may dispute the flag within
/// ProtocolParams' `flagDisputeWindow`; an undisputed flag is upheld by anyone after the window,
/// a disputed one is resolved by the Datanet's owner or by governance (the admin). An upheld flag
/// tombstones the contribution off chain and adds one to the contributor's penalty score; from
/// ProtocolParams' `penaltyThreshold` on, each upheld flag takes `penaltySlashBps` of the
/// contributor's stake in Staking, and the contributor earns no further rewards.
contract DatanetRegistry is AccessControl, EIP712 {
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @notice Role of the ingest job's key, allowed to anchor shard roots.
    bytes32 public constant ANCHOR_ROLE = keccak256("ANCHOR_ROLE");

    /// @notice EIP-712 type of a signed contribution.
    bytes32 public constant CONTRIBUTION_TYPEHASH =
        keccak256("Contribution(bytes32 datanetId,bytes32 contentHash,uint256 nonce,uint64 timestamp)");

    /// @notice EIP-712 type of a contributor's signed withdrawal of their contribution.
    bytes32 public constant WITHDRAWAL_TYPEHASH =
        keccak256("Withdrawal(bytes32 datanetId,bytes32 contributionId,uint64 timestamp)");

    struct Datanet {
        address owner;
        address treasury;
        bool open;
        uint64 createdAt;
        string metadataURI;
    }

    struct ShardAnchor {
        bytes32 root;
        uint64 count;
        uint64 anchoredAt;
    }

    mapping(bytes32 datanetId => Datanet) private _datanets;
    mapping(bytes32 datanetId => mapping(bytes32 shardId => ShardAnchor)) private _anchors;
    mapping(bytes32 datanetId => uint256) private _shardCounts;

    /// @notice Where a curation flag stands.
    enum FlagStatus {
        None,
        Pending,
        Disputed,
        Upheld,
        Dismissed
    }

    struct Flag {
        bytes32 datanetId;
        address contributor;
        address curator;
        uint64 flaggedAt;
        FlagStatus status;
        bytes32 reasonCode;
        bytes32 evidenceHash;
    }

    /// @notice Governance parameters (penalty threshold and fraction, dispute window); unset
    /// until the admin links them, and curation reverts until then.
    ProtocolParams public protocolParams;
    /// @notice Where contributors stake and where penalties are taken.
    Staking public staking;

    mapping(bytes32 datanetId => EnumerableSet.AddressSet) private _curators;
    mapping(bytes32 datanetId => uint256) private _contributorStakes;
    mapping(bytes32 contributionId => Flag) private _flags;
    mapping(address contributor => uint32) private _penaltyScores;

    event DatanetCreated(
        bytes32 indexed datanetId, address indexed owner, bytes32 salt, address treasury, string metadataURI
    );
    event DatanetClosed(bytes32 indexed datanetId);
    event TreasuryChanged(bytes32 indexed datanetId, address treasury);
    event ShardAnchored(bytes32 indexed datanetId, bytes32 indexed shardId, bytes32 root, uint64 count);
    event AnchorInvalidated(bytes32 indexed datanetId, bytes32 indexed shardId, bytes32 root, address admin);
    event CurationLinked(address protocolParams, address staking);
    event CuratorSet(bytes32 indexed datanetId, address indexed account, bool curator);
    event ContributorStakeSet(bytes32 indexed datanetId, uint256 amount);
    event ContributionFlagged(
        bytes32 indexed datanetId,
        bytes32 indexed contributionId,
        address indexed contributor,
        address curator,
        bytes32 reasonCode,
        bytes32 evidenceHash,
        uint64 disputableUntil
    );
    event FlagDisputed(bytes32 indexed datanetId, bytes32 indexed contributionId, address contributor);
    event FlagResolved(
        bytes32 indexed datanetId, bytes32 indexed contributionId, address indexed contributor, bool upheld, address resolver
    );
    event ContributorPenalized(address indexed contributor, uint32 score, uint256 slashed);

    error DatanetRegistryDatanetExists(bytes32 datanetId);
    error DatanetRegistryUnknownDatanet(bytes32 datanetId);
    error DatanetRegistryDatanetNotOpen(bytes32 datanetId);
    error DatanetRegistryNotDatanetOwner(bytes32 datanetId, address account);
    error DatanetRegistryZeroAddress();
    error DatanetRegistryEmptyShard(bytes32 shardId);
    error DatanetRegistryShardAlreadyAnchored(bytes32 datanetId, bytes32 shardId, bytes32 root);
    error DatanetRegistryUnknownAnchor(bytes32 datanetId, bytes32 shardId);
    error DatanetRegistryCurationNotLinked();
    error DatanetRegistryNotCurator(bytes32 datanetId, address account);
    error DatanetRegistryAlreadyFlagged(bytes32 contributionId, FlagStatus status);
    error DatanetRegistryNoPendingFlag(bytes32 contributionId, FlagStatus status);
    error DatanetRegistryNotContributor(bytes32 contributionId, address account);
    error DatanetRegistryDisputeWindowClosed(bytes32 contributionId, uint64 closedAt);
    error DatanetRegistryDisputeWindowOpen(bytes32 contributionId, uint64 closesAt);
    error DatanetRegistryNotDisputed(bytes32 contributionId, FlagStatus status);
    error DatanetRegistryNotResolver(bytes32 datanetId, address account);

    /// @dev Requirements: `admin` and `anchorer` not zero and distinct.
    constructor(address admin, address anchorer) EIP712("Payable Datanets", "1") {
        if (admin == address(0) || anchorer == address(0) || admin == anchorer) revert DatanetRegistryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ANCHOR_ROLE, anchorer);
    }

    /// @notice Creates a Datanet owned by the caller, with id `datanetIdOf(msg.sender, salt)`.
    /// @dev Requirements: `treasury` not zero; the caller has not created a Datanet with `salt`
    /// before. Emits {DatanetCreated}.
    /// @return datanetId the new Datanet's id
    function createDatanet(bytes32 salt, address treasury, string calldata metadataURI)
        external
        returns (bytes32 datanetId)
    {
        if (treasury == address(0)) revert DatanetRegistryZeroAddress();
        datanetId = datanetIdOf(msg.sender, salt);
        if (_datanets[datanetId].owner != address(0)) revert DatanetRegistryDatanetExists(datanetId);
        _datanets[datanetId] = Datanet(msg.sender, treasury, true, uint64(block.timestamp), metadataURI);
        emit DatanetCreated(datanetId, msg.sender, salt, treasury, metadataURI);
    }

    /// @notice The id of the Datanet `creator` creates (or created) with `salt`:
    /// `keccak256(abi.encode(creator, salt))`. Only `creator` can create a Datanet with this id.
    function datanetIdOf(address creator, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(creator, salt));
    }

    /// @notice Closes a Datanet to new contributions; its owner or the admin may close it.
    /// @dev Requirements: the Datanet exists and is open; caller is its owner or the admin.
    /// Emits {DatanetClosed}.
    function closeDatanet(bytes32 datanetId) external {
        Datanet storage d = _existing(datanetId);
        if (msg.sender != d.owner && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert DatanetRegistryNotDatanetOwner(datanetId, msg.sender);
        }
        if (!d.open) revert DatanetRegistryDatanetNotOpen(datanetId);
        d.open = false;
        emit DatanetClosed(datanetId);
    }

    /// @notice Moves a Datanet's treasury; only its owner.
    /// @dev Requirements: the Datanet exists; caller is its owner; `treasury` not zero.
    /// Emits {TreasuryChanged}.
    function setTreasury(bytes32 datanetId, address treasury) external {
        Datanet storage d = _existing(datanetId);
        if (msg.sender != d.owner) revert DatanetRegistryNotDatanetOwner(datanetId, msg.sender);
        if (treasury == address(0)) revert DatanetRegistryZeroAddress();
        d.treasury = treasury;
        emit TreasuryChanged(datanetId, treasury);
    }

    /// @notice Anchors the Merkle root of a sealed index shard's contribution hashes.
    /// @dev Idempotent per shard id, so a job replaying a checkpoint can anchor again: the same
    /// root and count is a no-op, a different one reverts.
    /// Requirements: ANCHOR_ROLE; the Datanet exists; `count` > 0. Emits {ShardAnchored} when it
    /// stores the anchor.
    /// @return anchored true when this call stored the anchor, false when it was already there
    function anchor(bytes32 datanetId, bytes32 shardId, bytes32 root, uint64 count)
        external
        onlyRole(ANCHOR_ROLE)
        returns (bool anchored)
    {
        _existing(datanetId);
        if (count == 0) revert DatanetRegistryEmptyShard(shardId);
        ShardAnchor storage a = _anchors[datanetId][shardId];
        if (a.anchoredAt != 0) {
            if (a.root == root && a.count == count) return false;
            revert DatanetRegistryShardAlreadyAnchored(datanetId, shardId, a.root);
        }
        _anchors[datanetId][shardId] = ShardAnchor(root, count, uint64(block.timestamp));
        _shardCounts[datanetId] += 1;
        emit ShardAnchored(datanetId, shardId, root, count);
        return true;
    }

    /// @notice Removes an anchor, so the shard id can be anchored again: undoes anchors a stolen
    /// ANCHOR key placed on shard ids the ingest job has not sealed yet.
    /// @dev Requirements: DEFAULT_ADMIN_ROLE (the governance timelock); the anchor exists.
    /// Emits {AnchorInvalidated}.
    function invalidateAnchor(bytes32 datanetId, bytes32 shardId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        ShardAnchor storage a = _anchors[datanetId][shardId];
        if (a.anchoredAt == 0) revert DatanetRegistryUnknownAnchor(datanetId, shardId);
        bytes32 root = a.root;
        delete _anchors[datanetId][shardId];
        _shardCounts[datanetId] -= 1;
        emit AnchorInvalidated(datanetId, shardId, root, msg.sender);
    }

    /// @notice Links the governance parameters and the staking contract curation uses.
    /// @dev Requirements: DEFAULT_ADMIN_ROLE; no zero address. Emits {CurationLinked}.
    function setCuration(ProtocolParams params, Staking staking_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(params) == address(0) || address(staking_) == address(0)) revert DatanetRegistryZeroAddress();
        protocolParams = params;
        staking = staking_;
        emit CurationLinked(address(params), address(staking_));
    }

    /// @notice Appoints (`curator` true) or removes a curator of a Datanet; only its owner.
    /// @dev Requirements: the Datanet exists; caller is its owner; `account` not zero.
    /// Emits {CuratorSet}.
    function setCurator(bytes32 datanetId, address account, bool curator) external {
        Datanet storage d = _existing(datanetId);
        if (msg.sender != d.owner) revert DatanetRegistryNotDatanetOwner(datanetId, msg.sender);
        if (account == address(0)) revert DatanetRegistryZeroAddress();
        if (curator) {
            _curators[datanetId].add(account);
        } else {
            _curators[datanetId].remove(account);
        }
        emit CuratorSet(datanetId, account, curator);
    }

    /// @notice Sets the OPEN a contributor must hold staked in {staking} to contribute to the
    /// Datanet (0: none); only its owner. The ingest job checks it on every submission.
    /// @dev Requirements: the Datanet exists; caller is its owner. Emits {ContributorStakeSet}.
    function setContributorStake(bytes32 datanetId, uint256 amount) external {
        Datanet storage d = _existing(datanetId);
        if (msg.sender != d.owner) revert DatanetRegistryNotDatanetOwner(datanetId, msg.sender);
        _contributorStakes[datanetId] = amount;
        emit ContributorStakeSet(datanetId, amount);
    }

    /// @notice Flags the contribution `contributor` made to the Datanet with `nonce`.
    /// @dev Requirements: curation linked; the Datanet exists; caller is one of its curators;
    /// `contributor` not zero; the contribution carries no pending, disputed or upheld flag (a
    /// dismissed one may be flagged again). Emits {ContributionFlagged}.
    /// @return contributionId the flagged contribution's id
    function flag(bytes32 datanetId, address contributor, uint256 nonce, bytes32 reasonCode, bytes32 evidenceHash)
        external
        returns (bytes32 contributionId)
    {
        ProtocolParams params = _params();
        _existing(datanetId);
        if (!_curators[datanetId].contains(msg.sender)) revert DatanetRegistryNotCurator(datanetId, msg.sender);
        if (contributor == address(0)) revert DatanetRegistryZeroAddress();
        contributionId = contributionIdOf(datanetId, contributor, nonce);
        Flag storage f = _flags[contributionId];
        if (f.status != FlagStatus.None && f.status != FlagStatus.Dismissed) {
            revert DatanetRegistryAlreadyFlagged(contributionId, f.status);
        }
        _flags[contributionId] =
            Flag(datanetId, contributor, msg.sender, uint64(block.timestamp), FlagStatus.Pending, reasonCode, evidenceHash);
        emit ContributionFlagged(
            datanetId,
            contributionId,
            contributor,
            msg.sender,
            reasonCode,
            evidenceHash,
            uint64(block.timestamp) + params.flagDisputeWindow()
        );
    }

    /// @notice Disputes a flag on the caller's contribution, within the dispute window.
    /// @dev Requirements: the flag is pending; caller is the flagged contributor; the window is
    /// open. Emits {FlagDisputed}.
    function dispute(bytes32 contributionId) external {
        Flag storage f = _flags[contributionId];
        if (f.status != FlagStatus.Pending) revert DatanetRegistryNoPendingFlag(contributionId, f.status);
        if (msg.sender != f.contributor) revert DatanetRegistryNotContributor(contributionId, msg.sender);
        uint64 closesAt = f.flaggedAt + _params().flagDisputeWindow();
        if (block.timestamp >= closesAt) revert DatanetRegistryDisputeWindowClosed(contributionId, closesAt);
        f.status = FlagStatus.Disputed;
        emit FlagDisputed(f.datanetId, contributionId, msg.sender);
    }

    /// @notice Upholds an undisputed flag once its dispute window has passed; anyone may call.
    /// @dev Requirements: the flag is pending; the window is over. Emits {FlagResolved} and
    /// {ContributorPenalized}.
    function finalizeFlag(bytes32 contributionId) external {
        Flag storage f = _flags[contributionId];
        if (f.status != FlagStatus.Pending) revert DatanetRegistryNoPendingFlag(contributionId, f.status);
        uint64 closesAt = f.flaggedAt + _params().flagDisputeWindow();
        if (block.timestamp < closesAt) revert DatanetRegistryDisputeWindowOpen(contributionId, closesAt);
        _resolve(contributionId, f, true);
    }

    /// @notice Resolves a disputed flag: upholds it or dismisses it. The Datanet's owner resolves
    /// disputes on its Datanet; governance (the admin) may resolve any, e.g. when the owner is
    /// unresponsive or a party to the dispute.
    /// @dev Requirements: the flag is disputed; caller is the Datanet's owner or the admin.
    /// Emits {FlagResolved}, and {ContributorPenalized} when upheld.
    function resolveDispute(bytes32 contributionId, bool uphold) external {
        Flag storage f = _flags[contributionId];
        if (f.status != FlagStatus.Disputed) revert DatanetRegistryNotDisputed(contributionId, f.status);
        if (msg.sender != _datanets[f.datanetId].owner && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert DatanetRegistryNotResolver(f.datanetId, msg.sender);
        }
        _resolve(contributionId, f, uphold);
    }

    /// @notice The id the ingest job gives a contribution: `keccak256(abi.encode(datanetId,
    /// contributor, nonce))`.
    function contributionIdOf(bytes32 datanetId, address contributor, uint256 nonce) public pure returns (bytes32) {
        return keccak256(abi.encode(datanetId, contributor, nonce));
    }

    /// @notice The flag on a contribution (status None when there is none).
    function flagOf(bytes32 contributionId) external view returns (Flag memory) {
        return _flags[contributionId];
    }

    function isCurator(bytes32 datanetId, address account) external view returns (bool) {
        return _curators[datanetId].contains(account);
    }

    /// @notice The Datanet's curators, in no particular order.
    function curatorsOf(bytes32 datanetId) external view returns (address[] memory) {
        return _curators[datanetId].values();
    }

    /// @notice OPEN a contributor must have staked to contribute to the Datanet.
    function contributorStakeOf(bytes32 datanetId) external view returns (uint256) {
        return _contributorStakes[datanetId];
    }

    /// @notice Upheld flags against the contributor, over all Datanets.
    function penaltyScoreOf(address contributor) external view returns (uint32) {
        return _penaltyScores[contributor];
    }

    /// @notice Whether the contributor's score reached the governance threshold: they earn no
    /// further rewards and cannot contribute.
    function isPenalized(address contributor) public view returns (bool) {
        return address(protocolParams) != address(0) && _penaltyScores[contributor] >= protocolParams.penaltyThreshold();
    }

    /// @notice Whether `contributor` may contribute to the Datanet now: it is open, they are not
    /// penalised, and they have at least the Datanet's contributor stake staked.
    function canContribute(bytes32 datanetId, address contributor) external view returns (bool) {
        if (!_datanets[datanetId].open || isPenalized(contributor)) return false;
        uint256 required = _contributorStakes[datanetId];
        return required == 0 || (address(staking) != address(0) && staking.stakeOf(contributor) >= required);
    }

    /// @notice The Datanet, or a zero owner when unknown.
    function getDatanet(bytes32 datanetId) external view returns (Datanet memory) {
        return _datanets[datanetId];
    }

    function exists(bytes32 datanetId) public view returns (bool) {
        return _datanets[datanetId].owner != address(0);
    }

    function isOpen(bytes32 datanetId) external view returns (bool) {
        return _datanets[datanetId].open;
    }

    function treasuryOf(bytes32 datanetId) external view returns (address) {
        return _datanets[datanetId].treasury;
    }

    /// @notice The anchored root of a shard: (root, count, anchoredAt); anchoredAt is 0 when absent.
    function anchorOf(bytes32 datanetId, bytes32 shardId) external view returns (bytes32, uint64, uint64) {
        ShardAnchor storage a = _anchors[datanetId][shardId];
        return (a.root, a.count, a.anchoredAt);
    }

    function shardCount(bytes32 datanetId) external view returns (uint256) {
        return _shardCounts[datanetId];
    }

    /// @notice The EIP-712 digest a contributor signs for a submission.
    function contributionDigest(bytes32 datanetId, bytes32 contentHash, uint256 nonce, uint64 timestamp)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(CONTRIBUTION_TYPEHASH, datanetId, contentHash, nonce, timestamp)));
    }

    /// @notice The EIP-712 digest a contributor signs to withdraw a contribution (checked off
    /// chain by the ingest job; here so wallets and tools can cross-check it).
    function withdrawalDigest(bytes32 datanetId, bytes32 contributionId, uint64 timestamp)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(WITHDRAWAL_TYPEHASH, datanetId, contributionId, timestamp)));
    }

    /// @notice The address that signed a contribution (for cross-checking off-chain verification).
    function recoverContributor(
        bytes32 datanetId,
        bytes32 contentHash,
        uint256 nonce,
        uint64 timestamp,
        bytes calldata signature
    ) external view returns (address) {
        return ECDSA.recover(contributionDigest(datanetId, contentHash, nonce, timestamp), signature);
    }

    function _resolve(bytes32 contributionId, Flag storage f, bool upheld) private {
        f.status = upheld ? FlagStatus.Upheld : FlagStatus.Dismissed;
        emit FlagResolved(f.datanetId, contributionId, f.contributor, upheld, msg.sender);
        if (!upheld) return;
        address contributor = f.contributor;
        uint32 score = _penaltyScores[contributor] + 1;
        _penaltyScores[contributor] = score;
        uint256 slashed;
        ProtocolParams params = protocolParams;
        if (score >= params.penaltyThreshold()) {
            slashed = staking.penalize(contributor, params.penaltySlashBps(), contributionId);
        }
        emit ContributorPenalized(contributor, score, slashed);
    }

    function _params() private view returns (ProtocolParams params) {
        params = protocolParams;
        if (address(params) == address(0)) revert DatanetRegistryCurationNotLinked();
    }

    function _existing(bytes32 datanetId) private view returns (Datanet storage d) {
        d = _datanets[datanetId];
        if (d.owner == address(0)) revert DatanetRegistryUnknownDatanet(datanetId);
    }
}
