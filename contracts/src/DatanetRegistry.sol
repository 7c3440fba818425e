// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title Registry of Datanets and of the Merkle roots of their index shards
/// @notice A Datanet is a community dataset with an owner, a treasury and a metadata URI.
/// Contributors sign their submissions with EIP-712 in this contract's domain
/// ("Payable Datanets", "1"); the ingest job anchors the root of every sealed index shard here.
/// A Datanet's id is derived from its creator and a salt the creator picks
/// (`keccak256(abi.encode(creator, salt))`, as CREATE2 derives addresses), so no one can take an id
/// another account is about to create.
contract DatanetRegistry is AccessControl, EIP712 {
    /// @notice Role of the ingest job's key, allowed to anchor shard roots.
    bytes32 public constant ANCHOR_ROLE = keccak256("ANCHOR_ROLE");

    /// @notice EIP-712 type of a signed contribution.
    bytes32 public constant CONTRIBUTION_TYPEHASH =
        keccak256("Contribution(bytes32 datanetId,bytes32 contentHash,uint256 nonce,uint64 timestamp)");

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

    event DatanetCreated(
        bytes32 indexed datanetId, address indexed owner, bytes32 salt, address treasury, string metadataURI
    );
    event DatanetClosed(bytes32 indexed datanetId);
    event TreasuryChanged(bytes32 indexed datanetId, address treasury);
    event ShardAnchored(bytes32 indexed datanetId, bytes32 indexed shardId, bytes32 root, uint64 count);
    event AnchorInvalidated(bytes32 indexed datanetId, bytes32 indexed shardId, bytes32 root, address admin);

    error DatanetRegistryDatanetExists(bytes32 datanetId);
    error DatanetRegistryUnknownDatanet(bytes32 datanetId);
    error DatanetRegistryDatanetNotOpen(bytes32 datanetId);
    error DatanetRegistryNotDatanetOwner(bytes32 datanetId, address account);
    error DatanetRegistryZeroAddress();
    error DatanetRegistryEmptyShard(bytes32 shardId);
    error DatanetRegistryShardAlreadyAnchored(bytes32 datanetId, bytes32 shardId, bytes32 root);
    error DatanetRegistryUnknownAnchor(bytes32 datanetId, bytes32 shardId);

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

    function _existing(bytes32 datanetId) private view returns (Datanet storage d) {
        d = _datanets[datanetId];
        if (d.owner == address(0)) revert DatanetRegistryUnknownDatanet(datanetId);
    }
}
