// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Events, errors and the root record of RewardDistributor
/// @notice Shared by the distributor and by whatever reads its logs or decodes its reverts.
interface IRewardDistributor {
    /// @notice One posted cumulative root. Packed so that a claim reads two storage slots
    /// (root; total, epoch, activation, disabled flag).
    struct Distribution {
        bytes32 root;
        uint128 totalCumulative;
        uint64 epoch;
        uint40 activatesAt;
        bool disabled;
        bytes32 manifestHash;
    }

    event Funded(address indexed from, uint256 amount, uint256 totalFunded);
    event RootPosted(
        uint64 indexed epoch,
        uint256 indexed index,
        bytes32 root,
        uint256 totalCumulative,
        bytes32 manifestHash,
        uint64 activatesAt
    );
    /// @notice The guardian vetoed the pending root at `index` and the `count` roots posted after it.
    event RootsRevoked(uint256 indexed index, uint256 count, address guardian);
    /// @notice The admin disabled the root at `index`, pending or active.
    event RootDisabled(uint256 indexed index, uint64 epoch, address admin);
    event Claimed(
        address indexed account, uint256 indexed rootIndex, uint256 amount, uint256 cumulativeAmount, address submitter
    );
    event Paused(address account);
    event Unpaused(address account);

    error RewardDistributorZeroAddress();
    error RewardDistributorZeroAmount();
    error RewardDistributorZeroRoot();
    error RewardDistributorRoleConflict(address account);
    error RewardDistributorPaused();
    error RewardDistributorNotPaused();
    error RewardDistributorEpochNotIncreasing(uint64 epoch, uint64 lastEpoch);
    error RewardDistributorEpochInFuture(uint64 epoch, uint64 currentEpoch);
    error RewardDistributorTotalDecreasing(uint256 totalCumulative, uint256 lastTotal);
    error RewardDistributorTotalAboveFunded(uint256 totalCumulative, uint256 totalFunded);
    error RewardDistributorUnknownRoot(uint256 index);
    error RewardDistributorRootNotActive(uint256 index, uint64 activatesAt);
    error RewardDistributorRootAlreadyActive(uint256 index);
    error RewardDistributorRootDisabled(uint256 index);
    error RewardDistributorInvalidProof(address account, uint256 cumulativeAmount);
    error RewardDistributorRootOverspent(uint256 index, uint256 paidOut, uint256 totalCumulative);
}
