package io.payable.contracts.deploy;

import java.math.BigInteger;
import java.util.List;

/**
 * What {@link Deployer} sets up. Addresses left null default to the deploying account.
 *
 * @param tokenHolder receives the whole OPEN supply
 * @param settler the settlement job's key (SETTLER role of RewardDistributor)
 * @param guardian may revoke pending roots (GUARDIAN role)
 * @param anchorer the ingest job's key (ANCHOR role of DatanetRegistry)
 * @param timelockDelaySeconds minimum delay between queueing and executing a proposal
 * @param votingDelaySeconds delay between proposing and voting
 * @param votingPeriodSeconds how long votes are open
 * @param proposalThreshold votes needed to propose (OPEN wei)
 * @param quorumPercent share of the supply that must vote
 * @param feeSplitBps data contributors, model owner, worker operator, protocol; sums to 10,000
 * @param attributionThresholdPpm contributor shares below this are dropped
 * @param minSpanTokens shortest attributable span
 * @param maxOccurrences most frequent attributable span
 * @param epochLengthSeconds settlement epoch
 * @param activationDelaySeconds veto window of a posted root
 * @param unstakeCooldownSeconds wait between requesting an unstake and withdrawing
 * @param minWorkerStake OPEN wei an operator must stake to run workers
 */
public record DeployConfig(
    String tokenHolder,
    String settler,
    String guardian,
    String anchorer,
    long timelockDelaySeconds,
    long votingDelaySeconds,
    long votingPeriodSeconds,
    BigInteger proposalThreshold,
    int quorumPercent,
    List<Integer> feeSplitBps,
    long attributionThresholdPpm,
    long minSpanTokens,
    long maxOccurrences,
    long epochLengthSeconds,
    long activationDelaySeconds,
    long unstakeCooldownSeconds,
    BigInteger minWorkerStake) {

  public DeployConfig {
    feeSplitBps = List.copyOf(feeSplitBps);
    if (feeSplitBps.size() != 4
        || feeSplitBps.stream().mapToInt(Integer::intValue).sum() != 10_000) {
      throw new IllegalArgumentException("fee split must be 4 parts summing to 10,000 bps");
    }
  }

  /**
   * Defaults for a local chain: all roles on the deployer, one-hour epochs and veto window, a
   * one-day vote. Production settings belong in the deployment's own config.
   */
  public static DeployConfig localDefaults() {
    return new DeployConfig(
        null,
        null,
        null,
        null,
        3_600,
        60,
        86_400,
        BigInteger.ZERO,
        4,
        List.of(7_000, 1_500, 1_000, 500),
        10_000,
        8,
        1_000,
        3_600,
        3_600,
        7 * 86_400,
        BigInteger.TEN.pow(18 + 4));
  }

  public DeployConfig withRoles(
      String holder, String settlerKey, String guardianKey, String anchorKey) {
    return new DeployConfig(
        holder,
        settlerKey,
        guardianKey,
        anchorKey,
        timelockDelaySeconds,
        votingDelaySeconds,
        votingPeriodSeconds,
        proposalThreshold,
        quorumPercent,
        feeSplitBps,
        attributionThresholdPpm,
        minSpanTokens,
        maxOccurrences,
        epochLengthSeconds,
        activationDelaySeconds,
        unstakeCooldownSeconds,
        minWorkerStake);
  }
}
