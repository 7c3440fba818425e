// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title Protocol parameters read by the Payable jobs and the reward distributor
/// @notice Owned by the governance TimelockController: every change goes through a proposal.
/// Each setter validates its input and emits an event, so the jobs can follow the history.
contract ProtocolParams is Ownable {
    /// @notice Basis points in a whole fee.
    uint16 public constant BPS = 10_000;
    /// @notice Parts per million in a whole contributor share.
    uint32 public constant PPM = 1_000_000;

    /// @notice Fee share of the data contributors (bps).
    uint16 public dataContributorsBps;
    /// @notice Fee share of the adapter's owner (bps).
    uint16 public modelOwnerBps;
    /// @notice Fee share of the serving worker's operator (bps).
    uint16 public workerOperatorBps;
    /// @notice Fee share of the protocol treasury (bps).
    uint16 public protocolBps;
    /// @notice Contributor shares below this (ppm of the data pool) are dropped and the rest renormalised.
    uint32 public attributionThresholdPpm;
    /// @notice Shortest span, in tokens, that counts as reproduced data.
    uint32 public minSpanTokens;
    /// @notice Spans occurring more often than this in the index are too common to attribute.
    uint32 public maxOccurrences;
    /// @notice Settlement epoch length in seconds.
    uint64 public epochLength;
    /// @notice Seconds between posting a reward root and it becoming claimable (the veto window).
    uint64 public activationDelay;

    event FeeSplitChanged(uint16 dataContributorsBps, uint16 modelOwnerBps, uint16 workerOperatorBps, uint16 protocolBps);
    event AttributionThresholdChanged(uint32 previousPpm, uint32 newPpm);
    event SpanLimitsChanged(uint32 minSpanTokens, uint32 maxOccurrences);
    event EpochLengthChanged(uint64 previousSeconds, uint64 newSeconds);
    event ActivationDelayChanged(uint64 previousSeconds, uint64 newSeconds);

    error InvalidFeeSplit(uint256 sumBps);
    error InvalidThreshold(uint32 ppm);
    error InvalidSpanLimits(uint32 minSpanTokens, uint32 maxOccurrences);
    error InvalidEpochLength(uint64 seconds_);

    constructor(
        address initialOwner,
        uint16[4] memory feeSplitBps,
        uint32 thresholdPpm,
        uint32 minSpan,
        uint32 maxOcc,
        uint64 epochSeconds,
        uint64 activationDelaySeconds
    ) Ownable(initialOwner) {
        _setFeeSplit(feeSplitBps[0], feeSplitBps[1], feeSplitBps[2], feeSplitBps[3]);
        _setAttributionThreshold(thresholdPpm);
        _setSpanLimits(minSpan, maxOcc);
        _setEpochLength(epochSeconds);
        _setActivationDelay(activationDelaySeconds);
    }

    /// @notice Sets the four fee pools; they must add up to exactly 10,000 bps.
    function setFeeSplit(uint16 data, uint16 modelOwner, uint16 workerOperator, uint16 protocol) external onlyOwner {
        _setFeeSplit(data, modelOwner, workerOperator, protocol);
    }

    function setAttributionThreshold(uint32 ppm) external onlyOwner {
        _setAttributionThreshold(ppm);
    }

    function setSpanLimits(uint32 minSpan, uint32 maxOcc) external onlyOwner {
        _setSpanLimits(minSpan, maxOcc);
    }

    function setEpochLength(uint64 seconds_) external onlyOwner {
        _setEpochLength(seconds_);
    }

    function setActivationDelay(uint64 seconds_) external onlyOwner {
        _setActivationDelay(seconds_);
    }

    /// @notice The fee split as one tuple: data contributors, model owner, worker operator, protocol.
    function feeSplit() external view returns (uint16, uint16, uint16, uint16) {
        return (dataContributorsBps, modelOwnerBps, workerOperatorBps, protocolBps);
    }

    function _setFeeSplit(uint16 data, uint16 modelOwner, uint16 workerOperator, uint16 protocol) private {
        uint256 sum = uint256(data) + modelOwner + workerOperator + protocol;
        if (sum != BPS) revert InvalidFeeSplit(sum);
        dataContributorsBps = data;
        modelOwnerBps = modelOwner;
        workerOperatorBps = workerOperator;
        protocolBps = protocol;
        emit FeeSplitChanged(data, modelOwner, workerOperator, protocol);
    }

    function _setAttributionThreshold(uint32 ppm) private {
        if (ppm > PPM) revert InvalidThreshold(ppm);
        emit AttributionThresholdChanged(attributionThresholdPpm, ppm);
        attributionThresholdPpm = ppm;
    }

    function _setSpanLimits(uint32 minSpan, uint32 maxOcc) private {
        if (minSpan == 0 || maxOcc == 0) revert InvalidSpanLimits(minSpan, maxOcc);
        minSpanTokens = minSpan;
        maxOccurrences = maxOcc;
        emit SpanLimitsChanged(minSpan, maxOcc);
    }

    function _setEpochLength(uint64 seconds_) private {
        if (seconds_ == 0) revert InvalidEpochLength(seconds_);
        emit EpochLengthChanged(epochLength, seconds_);
        epochLength = seconds_;
    }

    function _setActivationDelay(uint64 seconds_) private {
        emit ActivationDelayChanged(activationDelay, seconds_);
        activationDelay = seconds_;
    }
}
