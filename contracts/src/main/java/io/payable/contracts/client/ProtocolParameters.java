package io.payable.contracts.client;

import io.payable.contracts.generated.ProtocolParams;

/**
 * The values of ProtocolParams at one moment, as the attribution and settlement jobs use them.
 *
 * @param dataContributorsBps fee share of the data contributors
 * @param modelOwnerBps fee share of the adapter owner
 * @param workerOperatorBps fee share of the worker operator
 * @param protocolBps fee share of the protocol treasury
 * @param attributionThresholdPpm contributor shares below this are dropped
 * @param minSpanTokens shortest attributable span
 * @param maxOccurrences most frequent attributable span
 * @param epochLengthSeconds settlement epoch length
 * @param activationDelaySeconds veto window of a posted root
 */
public record ProtocolParameters(
    int dataContributorsBps,
    int modelOwnerBps,
    int workerOperatorBps,
    int protocolBps,
    long attributionThresholdPpm,
    long minSpanTokens,
    long maxOccurrences,
    long epochLengthSeconds,
    long activationDelaySeconds) {

  /** Reads every parameter (one call each; the contract has no multicall). */
  public static ProtocolParameters read(ProtocolParams params) throws Exception {
    var split = params.feeSplit().send();
    return new ProtocolParameters(
        split.component1().intValueExact(),
        split.component2().intValueExact(),
        split.component3().intValueExact(),
        split.component4().intValueExact(),
        params.attributionThresholdPpm().send().longValueExact(),
        params.minSpanTokens().send().longValueExact(),
        params.maxOccurrences().send().longValueExact(),
        params.epochLength().send().longValueExact(),
        params.activationDelay().send().longValueExact());
  }
}
