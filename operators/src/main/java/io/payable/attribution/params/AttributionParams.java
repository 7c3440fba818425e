package io.payable.attribution.params;

import io.payable.attribution.split.FeeSplitParams;
import io.payable.contracts.client.ProtocolParameters;
import io.payable.index.query.SpanParams;
import java.io.Serializable;

/**
 * The governance parameters one event is attributed with (docs/attribution.md, "Inputs"). A
 * snapshot is taken when the event enters the job and travels with it, so every shard group and the
 * merge use the same values even while governance changes them.
 *
 * @param thresholdBps contributor shares below this are dropped (ProtocolParams holds ppm; the job
 *     uses {@code floor(ppm / 100)})
 * @param epochLengthMillis settlement epoch length
 * @param hybridGradientBps weight of the gradient shares in a hybrid adapter's mix (V2.7)
 * @param sketchAuditBps fraction of gradient events whose query sketch is recomputed (V2.8)
 * @param sketchToleranceBps largest relative L2 distance of a signed sketch from its recomputation
 * @param gradientThresholdBps gradient shares below this are dropped and the rest renormalised
 *     before a gradient adapter's split or a hybrid adapter's mix (V2.6 step 4)
 */
public record AttributionParams(
    FeeSplitParams feeSplit,
    int thresholdBps,
    int minSpanTokens,
    long maxOccurrences,
    long epochLengthMillis,
    int hybridGradientBps,
    int sketchAuditBps,
    int sketchToleranceBps,
    int gradientThresholdBps)
    implements Serializable {

  /** Parameters with the gradient ones at ProtocolParams' initial values. */
  public AttributionParams(
      FeeSplitParams feeSplit,
      int thresholdBps,
      int minSpanTokens,
      long maxOccurrences,
      long epochLengthMillis) {
    this(
        feeSplit,
        thresholdBps,
        minSpanTokens,
        maxOccurrences,
        epochLengthMillis,
        ProtocolParameters.DEFAULT_HYBRID_GRADIENT_BPS,
        ProtocolParameters.DEFAULT_SKETCH_AUDIT_BPS,
        ProtocolParameters.DEFAULT_SKETCH_TOLERANCE_BPS,
        ProtocolParameters.DEFAULT_GRADIENT_THRESHOLD_BPS);
  }

  /** These parameters with other gradient ones (in the order of ProtocolParams' setter). */
  public AttributionParams withGradient(
      int hybridGradient, int sketchAudit, int sketchTolerance, int gradientThreshold) {
    return new AttributionParams(
        feeSplit,
        thresholdBps,
        minSpanTokens,
        maxOccurrences,
        epochLengthMillis,
        hybridGradient,
        sketchAudit,
        sketchTolerance,
        gradientThreshold);
  }

  public AttributionParams {
    if (thresholdBps < 0 || thresholdBps > 10_000) {
      throw new IllegalArgumentException("threshold outside [0, 10000] bps: " + thresholdBps);
    }
    if (minSpanTokens < 1 || maxOccurrences < 1 || epochLengthMillis < 1) {
      throw new IllegalArgumentException("span limits and epoch length must be positive");
    }
    if (hybridGradientBps < 0
        || hybridGradientBps > 10_000
        || sketchAuditBps < 0
        || sketchAuditBps > 10_000
        || sketchToleranceBps < 1
        || sketchToleranceBps > 10_000
        || gradientThresholdBps < 0
        || gradientThresholdBps > 10_000) {
      throw new IllegalArgumentException(
          "gradient parameters outside their bounds: "
              + hybridGradientBps
              + ", "
              + sketchAuditBps
              + ", "
              + sketchToleranceBps
              + ", "
              + gradientThresholdBps);
    }
  }

  /** The values of ProtocolParams, as read from the chain. */
  public static AttributionParams of(ProtocolParameters p) {
    return new AttributionParams(
        new FeeSplitParams(
            p.dataContributorsBps(), p.modelOwnerBps(), p.workerOperatorBps(), p.protocolBps()),
        (int) (p.attributionThresholdPpm() / 100),
        (int) Math.min(Integer.MAX_VALUE, p.minSpanTokens()),
        p.maxOccurrences(),
        p.epochLengthSeconds() * 1000,
        p.hybridGradientBps(),
        p.sketchAuditBps(),
        p.sketchToleranceBps(),
        p.gradientThresholdBps());
  }

  /** Span options of these parameters: word boundaries, no delimiters (version 1). */
  public SpanParams spanParams() {
    return SpanParams.builder().minLength(minSpanTokens).maxOccurrences(maxOccurrences).build();
  }

  public long epochOf(long eventTimeMillis) {
    return Math.floorDiv(eventTimeMillis, epochLengthMillis);
  }
}
