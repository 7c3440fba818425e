// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/// @title Protocol parameters read by the Payable jobs and the reward distributor
/// @notice Owned by the governance TimelockController: every change goes through a proposal.
/// Each setter validates its input and emits an event, so the jobs can follow the history.
/// Ownership moves in two steps (the new owner accepts) and cannot be renounced.
contract ProtocolParams is Ownable2Step {
    /// @notice Basis points in a whole fee.
    uint16 public constant BPS = 10_000;
    /// @notice Parts per million in a whole contributor share.
    uint32 public constant PPM = 1_000_000;
    /// @notice Longest veto window: long enough for any review, short enough that
    /// `block.timestamp + activationDelay` never overflows and rewards are not held back for months.
    uint64 public constant MAX_ACTIVATION_DELAY = 30 days;
    /// @notice Longest settlement epoch.
    uint64 public constant MAX_EPOCH_LENGTH = 30 days;
    /// @notice Largest stake fraction one penalty may take (bps); equals Staking's MAX_PENALTY_BPS.
    uint16 public constant MAX_PENALTY_SLASH_BPS = 5_000;
    /// @notice Shortest and longest window in which a contributor can dispute a curation flag.
    uint64 public constant MIN_DISPUTE_WINDOW = 1 hours;
    uint64 public constant MAX_DISPUTE_WINDOW = 30 days;

    /// @notice Shortest veto window governance may set, fixed at deployment (at least 1 second, so
    /// a root is never active in the block that posts it; production deployments use hours).
    uint64 public immutable minActivationDelay;

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
    /// @notice Upheld curation flags at which a contributor is penalised: from this score on, every
    /// upheld flag slashes {penaltySlashBps} of their stake, and they earn no further rewards.
    uint32 public penaltyThreshold = 3;
    /// @notice Fraction of a penalised contributor's stake each upheld flag takes (bps).
    uint16 public penaltySlashBps = 1_000;
    /// @notice Seconds after a curation flag during which its contributor can dispute it.
    uint64 public flagDisputeWindow = 3 days;
    /// @notice Weight of the gradient shares in a `hybrid` adapter's mix with the span shares (bps;
    /// 0 = spans only, 10,000 = gradients only). docs/attribution.md, V2.7.
    uint16 public hybridGradientBps = 5_000;
    /// @notice Fraction of gradient events whose worker-signed query sketch the attribution job
    /// recomputes (bps). A forged sketch is caught with this probability per event. V2.8.
    uint16 public sketchAuditBps = 100;
    /// @notice Largest relative L2 distance (bps) between a signed query sketch and the job's
    /// recomputation before the event is rejected as `sketch_mismatch`. V2.8.
    uint16 public sketchToleranceBps = 200;
    /// @notice Gradient shares below this (bps of the gradient weight) are dropped and the rest
    /// renormalised before a `gradient` adapter's split or a `hybrid` adapter's mix: positive
    /// influence credits nearly every contributor a little. V2.6 step 4.
    uint16 public gradientThresholdBps = 2_000;

    event FeeSplitChanged(uint16 dataContributorsBps, uint16 modelOwnerBps, uint16 workerOperatorBps, uint16 protocolBps);
    event AttributionThresholdChanged(uint32 previousPpm, uint32 newPpm);
    event SpanLimitsChanged(uint32 minSpanTokens, uint32 maxOccurrences);
    event EpochLengthChanged(uint64 previousSeconds, uint64 newSeconds);
    event ActivationDelayChanged(uint64 previousSeconds, uint64 newSeconds);
    event PenaltyParamsChanged(uint32 threshold, uint16 slashBps);
    event FlagDisputeWindowChanged(uint64 previousSeconds, uint64 newSeconds);
    event GradientAttributionParamsChanged(
        uint16 hybridGradientBps, uint16 sketchAuditBps, uint16 sketchToleranceBps, uint16 gradientThresholdBps
    );

    error ProtocolParamsInvalidFeeSplit(uint256 sumBps);
    error ProtocolParamsInvalidThreshold(uint32 ppm);
    error ProtocolParamsInvalidSpanLimits(uint32 minSpanTokens, uint32 maxOccurrences);
    error ProtocolParamsInvalidEpochLength(uint64 seconds_);
    error ProtocolParamsInvalidActivationDelay(uint64 seconds_, uint64 min, uint64 max);
    error ProtocolParamsRenounceDisabled();
    error ProtocolParamsInvalidPenalty(uint32 threshold, uint16 slashBps);
    error ProtocolParamsInvalidDisputeWindow(uint64 seconds_, uint64 min, uint64 max);
    error ProtocolParamsInvalidGradientParams(
        uint16 hybridGradientBps, uint16 sketchAuditBps, uint16 sketchToleranceBps, uint16 gradientThresholdBps
    );

    /// @dev Requirements: every value valid as its setter requires; `minActivationDelaySeconds`
    /// between 1 second and {MAX_ACTIVATION_DELAY}. Emits one event per parameter.
    constructor(
        address initialOwner,
        uint16[4] memory feeSplitBps,
        uint32 thresholdPpm,
        uint32 minSpan,
        uint32 maxOcc,
        uint64 epochSeconds,
        uint64 activationDelaySeconds,
        uint64 minActivationDelaySeconds
    ) Ownable(initialOwner) {
        if (minActivationDelaySeconds == 0 || minActivationDelaySeconds > MAX_ACTIVATION_DELAY) {
            revert ProtocolParamsInvalidActivationDelay(minActivationDelaySeconds, 1, MAX_ACTIVATION_DELAY);
        }
        minActivationDelay = minActivationDelaySeconds;
        _setFeeSplit(feeSplitBps[0], feeSplitBps[1], feeSplitBps[2], feeSplitBps[3]);
        _setAttributionThreshold(thresholdPpm);
        _setSpanLimits(minSpan, maxOcc);
        _setEpochLength(epochSeconds);
        _setActivationDelay(activationDelaySeconds);
        emit PenaltyParamsChanged(penaltyThreshold, penaltySlashBps);
        emit FlagDisputeWindowChanged(0, flagDisputeWindow);
        emit GradientAttributionParamsChanged(
            hybridGradientBps, sketchAuditBps, sketchToleranceBps, gradientThresholdBps
        );
    }

    /// @notice Sets the four fee pools.
    /// @dev Requirements: owner; the parts add up to exactly 10,000 bps. Emits {FeeSplitChanged}.
    function setFeeSplit(uint16 data, uint16 modelOwner, uint16 workerOperator, uint16 protocol) external onlyOwner {
        _setFeeSplit(data, modelOwner, workerOperator, protocol);
    }

    /// @dev Requirements: owner; `ppm` <= 1,000,000. Emits {AttributionThresholdChanged}.
    function setAttributionThreshold(uint32 ppm) external onlyOwner {
        _setAttributionThreshold(ppm);
    }

    /// @dev Requirements: owner; both values > 0. Emits {SpanLimitsChanged}.
    function setSpanLimits(uint32 minSpan, uint32 maxOcc) external onlyOwner {
        _setSpanLimits(minSpan, maxOcc);
    }

    /// @dev Requirements: owner; 0 < `seconds_` <= {MAX_EPOCH_LENGTH}. Emits {EpochLengthChanged}.
    function setEpochLength(uint64 seconds_) external onlyOwner {
        _setEpochLength(seconds_);
    }

    /// @dev Requirements: owner; {minActivationDelay} <= `seconds_` <= {MAX_ACTIVATION_DELAY}.
    /// Emits {ActivationDelayChanged}.
    function setActivationDelay(uint64 seconds_) external onlyOwner {
        _setActivationDelay(seconds_);
    }

    /// @notice Sets the curation penalty: the score at which contributors are penalised and the
    /// fraction of their stake each upheld flag then takes.
    /// @dev Requirements: owner; `threshold` > 0; 0 < `slashBps` <= {MAX_PENALTY_SLASH_BPS}.
    /// Emits {PenaltyParamsChanged}.
    function setPenaltyParams(uint32 threshold, uint16 slashBps) external onlyOwner {
        if (threshold == 0 || slashBps == 0 || slashBps > MAX_PENALTY_SLASH_BPS) {
            revert ProtocolParamsInvalidPenalty(threshold, slashBps);
        }
        penaltyThreshold = threshold;
        penaltySlashBps = slashBps;
        emit PenaltyParamsChanged(threshold, slashBps);
    }

    /// @dev Requirements: owner; {MIN_DISPUTE_WINDOW} <= `seconds_` <= {MAX_DISPUTE_WINDOW}.
    /// Emits {FlagDisputeWindowChanged}.
    function setFlagDisputeWindow(uint64 seconds_) external onlyOwner {
        if (seconds_ < MIN_DISPUTE_WINDOW || seconds_ > MAX_DISPUTE_WINDOW) {
            revert ProtocolParamsInvalidDisputeWindow(seconds_, MIN_DISPUTE_WINDOW, MAX_DISPUTE_WINDOW);
        }
        emit FlagDisputeWindowChanged(flagDisputeWindow, seconds_);
        flagDisputeWindow = seconds_;
    }

    /// @notice Sets the gradient attribution parameters (docs/attribution.md, version 2): the
    /// hybrid mixing weight, the sketch audit rate, the audit's tolerance and the threshold on
    /// gradient shares.
    /// @dev Requirements: owner; `hybridGradient` <= {BPS}; `sketchAudit` <= {BPS};
    /// 0 < `sketchTolerance` <= {BPS} (a zero tolerance would reject honest bfloat16 rounding);
    /// `gradientThreshold` <= {BPS}. Emits {GradientAttributionParamsChanged}.
    function setGradientAttributionParams(
        uint16 hybridGradient,
        uint16 sketchAudit,
        uint16 sketchTolerance,
        uint16 gradientThreshold
    ) external onlyOwner {
        if (
            hybridGradient > BPS || sketchAudit > BPS || sketchTolerance == 0 || sketchTolerance > BPS
                || gradientThreshold > BPS
        ) {
            revert ProtocolParamsInvalidGradientParams(hybridGradient, sketchAudit, sketchTolerance, gradientThreshold);
        }
        hybridGradientBps = hybridGradient;
        sketchAuditBps = sketchAudit;
        sketchToleranceBps = sketchTolerance;
        gradientThresholdBps = gradientThreshold;
        emit GradientAttributionParamsChanged(hybridGradient, sketchAudit, sketchTolerance, gradientThreshold);
    }

    /// @notice Disabled: the parameters always have an owner (the timelock).
    function renounceOwnership() public pure override {
        revert ProtocolParamsRenounceDisabled();
    }

    /// @notice The fee split as one tuple: data contributors, model owner, worker operator, protocol.
    function feeSplit() external view returns (uint16, uint16, uint16, uint16) {
        return (dataContributorsBps, modelOwnerBps, workerOperatorBps, protocolBps);
    }

    function _setFeeSplit(uint16 data, uint16 modelOwner, uint16 workerOperator, uint16 protocol) private {
        uint256 sum = uint256(data) + modelOwner + workerOperator + protocol;
        if (sum != BPS) revert ProtocolParamsInvalidFeeSplit(sum);
        dataContributorsBps = data;
        modelOwnerBps = modelOwner;
        workerOperatorBps = workerOperator;
        protocolBps = protocol;
        emit FeeSplitChanged(data, modelOwner, workerOperator, protocol);
    }

    function _setAttributionThreshold(uint32 ppm) private {
        if (ppm > PPM) revert ProtocolParamsInvalidThreshold(ppm);
        emit AttributionThresholdChanged(attributionThresholdPpm, ppm);
        attributionThresholdPpm = ppm;
    }

    function _setSpanLimits(uint32 minSpan, uint32 maxOcc) private {
        if (minSpan == 0 || maxOcc == 0) revert ProtocolParamsInvalidSpanLimits(minSpan, maxOcc);
        minSpanTokens = minSpan;
        maxOccurrences = maxOcc;
        emit SpanLimitsChanged(minSpan, maxOcc);
    }

    function _setEpochLength(uint64 seconds_) private {
        if (seconds_ == 0 || seconds_ > MAX_EPOCH_LENGTH) revert ProtocolParamsInvalidEpochLength(seconds_);
        emit EpochLengthChanged(epochLength, seconds_);
        epochLength = seconds_;
    }

    function _setActivationDelay(uint64 seconds_) private {
        if (seconds_ < minActivationDelay || seconds_ > MAX_ACTIVATION_DELAY) {
            revert ProtocolParamsInvalidActivationDelay(seconds_, minActivationDelay, MAX_ACTIVATION_DELAY);
        }
        emit ActivationDelayChanged(activationDelay, seconds_);
        activationDelay = seconds_;
    }
}
