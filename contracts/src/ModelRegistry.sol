// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {DatanetRegistry} from "./DatanetRegistry.sol";
import {Staking} from "./Staking.sol";

/// @title Registry of LoRA adapters and of the serving workers allowed to emit inference events
/// @notice An adapter names its base model, the Datanets it was trained on (where attribution
/// looks), the hash of its artifact and its price per output token. A worker is a signing key
/// run by an operator; it counts as active only while its operator's stake is at least
/// `minWorkerStake`, so unstaking or being slashed below it retires the worker at once.
contract ModelRegistry is AccessControl {
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

    event AdapterRegistered(
        bytes32 indexed adapterId, address indexed owner, bytes32 baseModel, bytes32[] datanetIds, bytes32 artifactHash, uint256 pricePerToken
    );
    event AdapterUpdated(bytes32 indexed adapterId, uint32 version, bytes32 artifactHash, uint256 pricePerToken);
    event AdapterDeactivated(bytes32 indexed adapterId);
    event WorkerRegistered(address indexed signer, address indexed operator);
    event WorkerDeregistered(address indexed signer, address indexed operator);
    event MinWorkerStakeChanged(uint256 amount);

    error AdapterExists(bytes32 adapterId);
    error UnknownAdapter(bytes32 adapterId);
    error NotAdapterOwner(bytes32 adapterId, address account);
    error NoDatanets();
    error UnknownDatanet(bytes32 datanetId);
    error WorkerExists(address signer);
    error UnknownWorker(address signer);
    error NotWorkerOperator(address signer, address account);
    error StakeTooLow(uint256 stake, uint256 required);
    error ZeroAddress();

    constructor(DatanetRegistry datanets_, Staking staking_, uint256 minWorkerStake_, address admin) {
        if (address(datanets_) == address(0) || address(staking_) == address(0) || admin == address(0)) {
            revert ZeroAddress();
        }
        datanets = datanets_;
        staking = staking_;
        minWorkerStake = minWorkerStake_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Registers an adapter owned by the caller; every Datanet must exist.
    function registerAdapter(
        bytes32 adapterId,
        bytes32 baseModel,
        bytes32[] calldata datanetIds,
        bytes32 artifactHash,
        uint256 pricePerToken
    ) external {
        if (_adapters[adapterId].owner != address(0)) revert AdapterExists(adapterId);
        if (datanetIds.length == 0) revert NoDatanets();
        for (uint256 i = 0; i < datanetIds.length; i++) {
            if (!datanets.exists(datanetIds[i])) revert UnknownDatanet(datanetIds[i]);
        }
        _adapters[adapterId] = Adapter(msg.sender, baseModel, artifactHash, pricePerToken, 1, true, datanetIds);
        emit AdapterRegistered(adapterId, msg.sender, baseModel, datanetIds, artifactHash, pricePerToken);
    }

    /// @notice Publishes a new version of an adapter (new artifact and/or price); only its owner.
    function updateAdapter(bytes32 adapterId, bytes32 artifactHash, uint256 pricePerToken) external {
        Adapter storage a = _owned(adapterId);
        a.artifactHash = artifactHash;
        a.pricePerToken = pricePerToken;
        a.version += 1;
        emit AdapterUpdated(adapterId, a.version, artifactHash, pricePerToken);
    }

    function deactivateAdapter(bytes32 adapterId) external {
        Adapter storage a = _owned(adapterId);
        a.active = false;
        emit AdapterDeactivated(adapterId);
    }

    /// @notice Registers `signer` as a worker key of the caller, who must hold the minimum stake.
    function registerWorker(address signer) external {
        if (signer == address(0)) revert ZeroAddress();
        if (_workerOperators[signer] != address(0)) revert WorkerExists(signer);
        uint256 stake = staking.stakeOf(msg.sender);
        if (stake < minWorkerStake) revert StakeTooLow(stake, minWorkerStake);
        _workerOperators[signer] = msg.sender;
        emit WorkerRegistered(signer, msg.sender);
    }

    function deregisterWorker(address signer) external {
        address operator = _workerOperators[signer];
        if (operator == address(0)) revert UnknownWorker(signer);
        if (operator != msg.sender) revert NotWorkerOperator(signer, msg.sender);
        delete _workerOperators[signer];
        emit WorkerDeregistered(signer, operator);
    }

    function setMinWorkerStake(uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        minWorkerStake = amount;
        emit MinWorkerStakeChanged(amount);
    }

    function getAdapter(bytes32 adapterId) external view returns (Adapter memory) {
        return _adapters[adapterId];
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

    function _owned(bytes32 adapterId) private view returns (Adapter storage a) {
        a = _adapters[adapterId];
        if (a.owner == address(0)) revert UnknownAdapter(adapterId);
        if (a.owner != msg.sender) revert NotAdapterOwner(adapterId, msg.sender);
    }
}
