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
 * @param hybridGradientBps weight of the gradient shares in a hybrid adapter's mix
 * @param sketchAuditBps fraction of gradient events whose query sketch is recomputed
 * @param sketchToleranceBps largest relative distance of a signed sketch from the recomputation
 * @param gradientThresholdBps gradient shares below this are dropped before the split or the mix
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
    long activationDelaySeconds,
    int hybridGradientBps,
    int sketchAuditBps,
    int sketchToleranceBps,
    int gradientThresholdBps) {

  /** Defaults of the gradient parameters (the contract's initial values). */
  public static final int DEFAULT_HYBRID_GRADIENT_BPS = 5_000;

  public static final int DEFAULT_SKETCH_AUDIT_BPS = 100;
  public static final int DEFAULT_SKETCH_TOLERANCE_BPS = 200;
  public static final int DEFAULT_GRADIENT_THRESHOLD_BPS = 2_000;

  /** Parameters of a contract without the gradient ones: their defaults. */
  public ProtocolParameters(
      int dataContributorsBps,
      int modelOwnerBps,
      int workerOperatorBps,
      int protocolBps,
      long attributionThresholdPpm,
      long minSpanTokens,
      long maxOccurrences,
      long epochLengthSeconds,
      long activationDelaySeconds) {
    this(
        dataContributorsBps,
        modelOwnerBps,
        workerOperatorBps,
        protocolBps,
        attributionThresholdPpm,
        minSpanTokens,
        maxOccurrences,
        epochLengthSeconds,
        activationDelaySeconds,
        DEFAULT_HYBRID_GRADIENT_BPS,
        DEFAULT_SKETCH_AUDIT_BPS,
        DEFAULT_SKETCH_TOLERANCE_BPS,
        DEFAULT_GRADIENT_THRESHOLD_BPS);
  }

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
        params.activationDelay().send().longValueExact(),
        params.hybridGradientBps().send().intValueExact(),
        params.sketchAuditBps().send().intValueExact(),
        params.sketchToleranceBps().send().intValueExact(),
        params.gradientThresholdBps().send().intValueExact());
  }
}
