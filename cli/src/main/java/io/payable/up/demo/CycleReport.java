package io.payable.up.demo;

import java.math.BigInteger;
import java.util.OptionalLong;

/**
 * What a demo cycle reached.
 *
 * @param activeEpoch the epoch of the root claims are checked against, if any
 * @param totalCumulative the active root's total: every wei claimable so far
 * @param claimant the account that claimed at the end, or null
 * @param claimed what that claim paid
 */
public record CycleReport(
    long contributionsAccepted,
    long shards,
    long eventsAttributed,
    int rootsPosted,
    OptionalLong activeEpoch,
    BigInteger totalCumulative,
    String claimant,
    BigInteger claimed,
    String rpcUrl,
    String deploymentFile) {

  public boolean fullCycle() {
    return contributionsAccepted > 0
        && shards > 0
        && eventsAttributed > 0
        && rootsPosted > 0
        && claimed.signum() > 0;
  }
}
