// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {DatanetRegistry} from "./DatanetRegistry.sol";
import {Staking} from "./Staking.sol";

/// @title Registry of LoRA adapters and of the serving workers allowed to emit inference events
/// @notice An adapter names its base model, the Datanets it was trained on (where attribution
/// looks), the hash of its artifact and its price per output token. A worker is a signing key
/// run by an operator; it counts as active only while its operator's stake is at least
/// `minWorkerStake`, so unstaking or being slashed below it retires the worker at once. A worker key
/// is registered only with its own consent: an EIP-712 `WorkerConsent` signature by the key, in
/// this contract's domain ("Payable Models", "1"), naming the operator, so no one can claim
/// someone else's key and collect the worker share of its events.
/// An adapter trained by ModelFactory is registered with its provenance: the Merkle root and count
/// of the contribution hashes it was trained on, the hash of its training manifest and the
/// attribution method its inferences are credited by, so anyone can check it against the tables.
contract ModelRegistry is AccessControl, EIP712, Nonces {
    /// @notice EIP-712 type a worker key signs to consent to its registration by `operator`.
    bytes32 public constant WORKER_CONSENT_TYPEHASH =
        keccak256("WorkerConsent(address signer,address operator,uint256 nonce,uint256 deadline)");

    /// @notice How the outputs of an adapter are attributed to contributions.
    enum AttributionMethod {
        Spans,
        Gradient,
        Hybrid
    }

    /// @notice What a trained adapter was trained on.
    /// @param trainingSetRoot StandardMerkleTree root of the content hashes of the contributions used
    /// @param trainingSetCount number of contributions used (leaves of the tree)
    /// @param manifestHash SHA-256 of the run's training-manifest.json
    /// @param method attribution method the adapter is registered for
    struct Provenance {
        bytes32 trainingSetRoot;
        uint64 trainingSetCount;
        bytes32 manifestHash;
        AttributionMethod method;
    }

    struct Adapter {
        address owner;
        bytes32 baseModel;
        bytes32 artifactHash;
        uint256 pricePerToken;
        uint32 version;
        bool active;
        bytes32[] datanetIds;
    }

    DatanetRegistry public immutable datanets;
    Staking public immutable staking;
    uint256 public minWorkerStake;

    mapping(bytes32 adapterId => Adapter) private _adapters;
    mapping(address signer => address operator) private _workerOperators;
    mapping(bytes32 adapterId => Provenance) private _provenance;

    event AdapterRegistered(
        bytes32 indexed adapterId, address indexed owner, bytes32 baseModel, bytes32[] datanetIds, bytes32 artifactHash, uint256 pricePerToken
    );
    event AdapterUpdated(bytes32 indexed adapterId, uint32 version, bytes32 artifactHash, uint256 pricePerToken);
    event AdapterDeactivated(bytes32 indexed adapterId);
    event AdapterProvenanceRecorded(
        bytes32 indexed adapterId, bytes32 trainingSetRoot, uint64 trainingSetCount, bytes32 manifestHash, AttributionMethod method
    );
    event WorkerRegistered(address indexed signer, address indexed operator);
    event WorkerDeregistered(address indexed signer, address indexed operator);
    event MinWorkerStakeChanged(uint256 amount);

    error ModelRegistryAdapterExists(bytes32 adapterId);
    error ModelRegistryUnknownAdapter(bytes32 adapterId);
    error ModelRegistryNotAdapterOwner(bytes32 adapterId, address account);
    error ModelRegistryNoDatanets();
    error ModelRegistryUnknownDatanet(bytes32 datanetId);
    error ModelRegistryWorkerExists(address signer);
    error ModelRegistryUnknownWorker(address signer);
    error ModelRegistryNotWorkerOperator(address signer, address account);
    error ModelRegistryStakeTooLow(uint256 stake, uint256 required);
    error ModelRegistryZeroAddress();
    error ModelRegistryConsentExpired(uint256 deadline);
    error ModelRegistryInvalidConsent(address signer);
    error ModelRegistryEmptyTrainingSet();
    error ModelRegistryMissingHash();
    error ModelRegistryArtifactPinned(bytes32 adapterId);

    constructor(DatanetRegistry datanets_, Staking staking_, uint256 minWorkerStake_, address admin)
        EIP712("Payable Models", "1")
    {
        if (address(datanets_) == address(0) || address(staking_) == address(0) || admin == address(0)) {
            revert ModelRegistryZeroAddress();
        }
        datanets = datanets_;
        staking = staking_;
        minWorkerStake = minWorkerStake_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Registers an adapter owned by the caller; every Datanet must exist.
    /// @dev Requirements: the id is unused; at least one Datanet, each registered.
    /// Emits {AdapterRegistered}.
    function registerAdapter(
        bytes32 adapterId,
        bytes32 baseModel,
        bytes32[] calldata datanetIds,
        bytes32 artifactHash,
        uint256 pricePerToken
    ) external {
        _register(adapterId, baseModel, datanetIds, artifactHash, pricePerToken);
    }

    /// @notice Registers an adapter trained on Datanets, with what it was trained on. Its artifact
    /// hash is then fixed: a new artifact needs a new training run and a new adapter id.
    /// @dev Requirements: those of {registerAdapter}; a non-zero artifact hash, training-set root
    /// and manifest hash; at least one contribution. Emits {AdapterRegistered} and
    /// {AdapterProvenanceRecorded}.
    function registerTrainedAdapter(
        bytes32 adapterId,
        bytes32 baseModel,
        bytes32[] calldata datanetIds,
        bytes32 artifactHash,
        uint256 pricePerToken,
        Provenance calldata provenance
    ) external {
        if (artifactHash == bytes32(0) || provenance.trainingSetRoot == bytes32(0) || provenance.manifestHash == bytes32(0))
        {
            revert ModelRegistryMissingHash();
        }
        if (provenance.trainingSetCount == 0) revert ModelRegistryEmptyTrainingSet();
        _register(adapterId, baseModel, datanetIds, artifactHash, pricePerToken);
        _provenance[adapterId] = provenance;
        emit AdapterProvenanceRecorded(
            adapterId, provenance.trainingSetRoot, provenance.trainingSetCount, provenance.manifestHash, provenance.method
        );
    }

    /// @notice Publishes a new version of an adapter (new artifact and/or price); only its owner.
    /// @dev Requirements: the adapter exists; caller is its owner; a trained adapter keeps its
    /// artifact (its provenance describes that artifact only). Emits {AdapterUpdated}.
    function updateAdapter(bytes32 adapterId, bytes32 artifactHash, uint256 pricePerToken) external {
        Adapter storage a = _owned(adapterId);
        if (_provenance[adapterId].manifestHash != bytes32(0) && artifactHash != a.artifactHash) {
            revert ModelRegistryArtifactPinned(adapterId);
        }
        a.artifactHash = artifactHash;
        a.pricePerToken = pricePerToken;
        a.version += 1;
        emit AdapterUpdated(adapterId, a.version, artifactHash, pricePerToken);
    }

    /// @notice Stops an adapter; only its owner.
    /// @dev Requirements: the adapter exists; caller is its owner. Emits {AdapterDeactivated}.
    function deactivateAdapter(bytes32 adapterId) external {
        Adapter storage a = _owned(adapterId);
        a.active = false;
        emit AdapterDeactivated(adapterId);
    }

    /// @notice Registers `signer` as a worker key of the caller, who must hold the minimum stake.
    /// @param deadline last second the consent is valid
    /// @param signature `signer`'s EIP-712 WorkerConsent(signer, caller, nonces(signer), deadline)
    /// @dev Requirements: `signer` not zero and not registered; consent valid and not expired
    /// (each consent is used once: the signer's nonce advances); caller's stake >= minWorkerStake.
    /// Emits {WorkerRegistered}.
    function registerWorker(address signer, uint256 deadline, bytes calldata signature) external {
        if (signer == address(0)) revert ModelRegistryZeroAddress();
        if (_workerOperators[signer] != address(0)) revert ModelRegistryWorkerExists(signer);
        if (block.timestamp > deadline) revert ModelRegistryConsentExpired(deadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(WORKER_CONSENT_TYPEHASH, signer, msg.sender, _useNonce(signer), deadline))
        );
        if (!SignatureChecker.isValidSignatureNow(signer, digest, signature)) {
            revert ModelRegistryInvalidConsent(signer);
        }
        uint256 stake = staking.stakeOf(msg.sender);
        if (stake < minWorkerStake) revert ModelRegistryStakeTooLow(stake, minWorkerStake);
        _workerOperators[signer] = msg.sender;
        emit WorkerRegistered(signer, msg.sender);
    }

    /// @notice The EIP-712 digest `signer` signs to let `operator` register it.
    function workerConsentDigest(address signer, address operator, uint256 nonce, uint256 deadline)
        external
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(WORKER_CONSENT_TYPEHASH, signer, operator, nonce, deadline)));
    }

    /// @notice Removes a worker key; only its operator.
    /// @dev Requirements: the key is registered; caller is its operator. Emits {WorkerDeregistered}.
    function deregisterWorker(address signer) external {
        address operator = _workerOperators[signer];
        if (operator == address(0)) revert ModelRegistryUnknownWorker(signer);
        if (operator != msg.sender) revert ModelRegistryNotWorkerOperator(signer, msg.sender);
        delete _workerOperators[signer];
        emit WorkerDeregistered(signer, operator);
    }

    /// @dev Requirements: DEFAULT_ADMIN_ROLE. Emits {MinWorkerStakeChanged}.
    function setMinWorkerStake(uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        minWorkerStake = amount;
        emit MinWorkerStakeChanged(amount);
    }

    function getAdapter(bytes32 adapterId) external view returns (Adapter memory) {
        return _adapters[adapterId];
    }

    /// @notice What a trained adapter was trained on; all zero for an adapter registered without.
    function provenanceOf(bytes32 adapterId) external view returns (Provenance memory) {
        return _provenance[adapterId];
    }

    function adapterDatanets(bytes32 adapterId) external view returns (bytes32[] memory) {
        return _adapters[adapterId].datanetIds;
    }

    function operatorOf(address signer) external view returns (address) {
        return _workerOperators[signer];
    }

    /// @notice Whether inference events signed by `signer` are to be accepted now.
    function isActiveWorker(address signer) external view returns (bool) {
        address operator = _workerOperators[signer];
        return operator != address(0) && staking.stakeOf(operator) >= minWorkerStake;
    }

    function _register(
        bytes32 adapterId,
        bytes32 baseModel,
        bytes32[] calldata datanetIds,
        bytes32 artifactHash,
        uint256 pricePerToken
    ) private {
        if (_adapters[adapterId].owner != address(0)) revert ModelRegistryAdapterExists(adapterId);
        if (datanetIds.length == 0) revert ModelRegistryNoDatanets();
        for (uint256 i = 0; i < datanetIds.length; i++) {
            if (!datanets.exists(datanetIds[i])) revert ModelRegistryUnknownDatanet(datanetIds[i]);
        }
        _adapters[adapterId] = Adapter(msg.sender, baseModel, artifactHash, pricePerToken, 1, true, datanetIds);
        emit AdapterRegistered(adapterId, msg.sender, baseModel, datanetIds, artifactHash, pricePerToken);
    }

    function _owned(bytes32 adapterId) private view returns (Adapter storage a) {
        a = _adapters[adapterId];
        if (a.owner == address(0)) revert ModelRegistryUnknownAdapter(adapterId);
        if (a.owner != msg.sender) revert ModelRegistryNotAdapterOwner(adapterId, msg.sender);
    }
}
