package io.payable.contracts.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.web3j.crypto.WalletUtils;
import org.web3j.utils.Numeric;

/**
 * What {@link Deployer} sets up. Two profiles: {@link #localDefaults()} for a local dev chain (the
 * demo and the tests: short windows, nothing of value) and {@link #production(Path)}, read from an
 * explicit file and checked against {@link #checkProduction() production bounds}. The role
 * addresses are never defaulted: settler, guardian and anchorer must be given, non-zero and
 * distinct (the contracts refuse anything else too).
 *
 * @param tokenHolder receives the whole OPEN supply
 * @param settler the settlement job's key (SETTLER role of RewardDistributor)
 * @param guardian may veto pending roots, pause the distributor and freeze stake (GUARDIAN)
 * @param anchorer the ingest job's key (ANCHOR role of DatanetRegistry)
 * @param timelockDelaySeconds minimum delay between queueing and executing a proposal
 * @param votingDelaySeconds delay between proposing and voting
 * @param votingPeriodSeconds how long votes are open
 * @param proposalThreshold votes needed to propose (OPEN wei)
 * @param quorumPercent share of the supply that must vote
 * @param lateQuorumExtensionSeconds voting time added when quorum is reached late
 * @param feeSplitBps data contributors, model owner, worker operator, protocol; sums to 10,000
 * @param attributionThresholdPpm contributor shares below this are dropped
 * @param minSpanTokens shortest attributable span
 * @param maxOccurrences most frequent attributable span
 * @param epochLengthSeconds settlement epoch
 * @param activationDelaySeconds veto window of a posted root
 * @param minActivationDelaySeconds shortest veto window governance may ever set (fixed on chain)
 * @param unstakeCooldownSeconds wait between requesting an unstake and withdrawing
 * @param freezePeriodSeconds how long one guardian freeze of an operator's stake lasts
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
    long lateQuorumExtensionSeconds,
    List<Integer> feeSplitBps,
    long attributionThresholdPpm,
    long minSpanTokens,
    long maxOccurrences,
    long epochLengthSeconds,
    long activationDelaySeconds,
    long minActivationDelaySeconds,
    long unstakeCooldownSeconds,
    long freezePeriodSeconds,
    BigInteger minWorkerStake) {

  /** Production bounds (see docs/contracts.md, "Deploy profiles"). */
  static final long MIN_PRODUCTION_TIMELOCK = 2 * 86_400;

  static final long MIN_PRODUCTION_VOTING_DELAY = 86_400;
  static final long MIN_PRODUCTION_VOTING_PERIOD = 3 * 86_400;
  static final long MIN_PRODUCTION_ACTIVATION_DELAY = 6 * 3_600;
  static final int MIN_PRODUCTION_QUORUM_PERCENT = 4;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public DeployConfig {
    feeSplitBps = List.copyOf(feeSplitBps);
    if (feeSplitBps.size() != 4
        || feeSplitBps.stream().mapToInt(Integer::intValue).sum() != 10_000) {
      throw new IllegalArgumentException("fee split must be 4 parts summing to 10,000 bps");
    }
    Objects.requireNonNull(proposalThreshold, "proposalThreshold");
    Objects.requireNonNull(minWorkerStake, "minWorkerStake");
  }

  /**
   * The demo profile, for a local dev chain only: one-hour epochs and veto window (at least one
   * second), a one-hour timelock, a one-day vote, no proposal threshold. Roles are left unset; give
   * them with {@link #withRoles}.
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
        3_600,
        List.of(7_000, 1_500, 1_000, 500),
        10_000,
        8,
        1_000,
        3_600,
        3_600,
        1,
        7 * 86_400,
        7 * 86_400,
        BigInteger.TEN.pow(18 + 4));
  }

  /** Reads a production profile (JSON, every field named) and checks its bounds. */
  public static DeployConfig production(Path file) {
    DeployConfig config;
    try {
      config = JSON.readValue(file.toFile(), DeployConfig.class);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read deploy profile " + file, e);
    }
    List<String> problems = config.checkProduction();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "deploy profile " + file + " is not fit for production: " + String.join("; ", problems));
    }
    return config;
  }

  /** Role addresses set, valid and distinct; the problems found, or an empty list. */
  public List<String> checkRoles() {
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (var role :
        List.of(
            List.of("settler", String.valueOf(settler)),
            List.of("guardian", String.valueOf(guardian)),
            List.of("anchorer", String.valueOf(anchorer)))) {
      String address = role.get(1);
      if (!WalletUtils.isValidAddress(address) || Numeric.toBigInt(address).signum() == 0) {
        problems.add(role.get(0) + " must be a non-zero address");
      } else if (!seen.add(address.toLowerCase(Locale.ROOT))) {
        problems.add(role.get(0) + " must differ from the other roles");
      }
    }
    return problems;
  }

  /**
   * Problems that make this configuration unfit for a chain holding value: roles as {@link
   * #checkRoles}, an explicit token holder, and governance and veto windows long enough for holders
   * and the guardian to react.
   */
  public List<String> checkProduction() {
    List<String> problems = new ArrayList<>(checkRoles());
    if (tokenHolder == null || !WalletUtils.isValidAddress(tokenHolder)) {
      problems.add("tokenHolder must be an explicit address (the treasury, not the deployer)");
    }
    if (timelockDelaySeconds < MIN_PRODUCTION_TIMELOCK) {
      problems.add("timelockDelaySeconds must be >= " + MIN_PRODUCTION_TIMELOCK);
    }
    if (votingDelaySeconds < MIN_PRODUCTION_VOTING_DELAY) {
      problems.add("votingDelaySeconds must be >= " + MIN_PRODUCTION_VOTING_DELAY);
    }
    if (votingPeriodSeconds < MIN_PRODUCTION_VOTING_PERIOD) {
      problems.add("votingPeriodSeconds must be >= " + MIN_PRODUCTION_VOTING_PERIOD);
    }
    if (proposalThreshold.signum() <= 0) {
      problems.add("proposalThreshold must be > 0");
    }
    if (quorumPercent < MIN_PRODUCTION_QUORUM_PERCENT) {
      problems.add("quorumPercent must be >= " + MIN_PRODUCTION_QUORUM_PERCENT);
    }
    if (lateQuorumExtensionSeconds < 86_400) {
      problems.add("lateQuorumExtensionSeconds must be >= 86400");
    }
    if (minActivationDelaySeconds < MIN_PRODUCTION_ACTIVATION_DELAY) {
      problems.add("minActivationDelaySeconds must be >= " + MIN_PRODUCTION_ACTIVATION_DELAY);
    }
    if (activationDelaySeconds < minActivationDelaySeconds) {
      problems.add("activationDelaySeconds must be >= minActivationDelaySeconds");
    }
    if (unstakeCooldownSeconds < minUnstakeCooldownSeconds()) {
      problems.add(
          "unstakeCooldownSeconds must be >= voting delay + period + timelock ("
              + minUnstakeCooldownSeconds()
              + ")");
    }
    if (freezePeriodSeconds < votingDelaySeconds + votingPeriodSeconds + timelockDelaySeconds) {
      problems.add("freezePeriodSeconds must cover a whole slash proposal");
    }
    return problems;
  }

  /**
   * The shortest cooldown the Staking contract will accept: a slash proposal must be able to run
   * its whole course (delay, vote, timelock) inside one cooldown.
   */
  public long minUnstakeCooldownSeconds() {
    return votingDelaySeconds + votingPeriodSeconds + timelockDelaySeconds;
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
        lateQuorumExtensionSeconds,
        feeSplitBps,
        attributionThresholdPpm,
        minSpanTokens,
        maxOccurrences,
        epochLengthSeconds,
        activationDelaySeconds,
        minActivationDelaySeconds,
        unstakeCooldownSeconds,
        freezePeriodSeconds,
        minWorkerStake);
  }

  /** The same with another epoch length and veto window (the demo's short epochs). */
  public DeployConfig withEpochs(long epochSeconds, long activationDelay) {
    return new DeployConfig(
        tokenHolder,
        settler,
        guardian,
        anchorer,
        timelockDelaySeconds,
        votingDelaySeconds,
        votingPeriodSeconds,
        proposalThreshold,
        quorumPercent,
        lateQuorumExtensionSeconds,
        feeSplitBps,
        attributionThresholdPpm,
        minSpanTokens,
        maxOccurrences,
        epochSeconds,
        activationDelay,
        Math.min(minActivationDelaySeconds, activationDelay),
        unstakeCooldownSeconds,
        freezePeriodSeconds,
        minWorkerStake);
  }
}
