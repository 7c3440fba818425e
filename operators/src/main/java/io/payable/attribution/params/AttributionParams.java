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
 */
public record AttributionParams(
    FeeSplitParams feeSplit,
    int thresholdBps,
    int minSpanTokens,
    long maxOccurrences,
    long epochLengthMillis)
    implements Serializable {

  public AttributionParams {
    if (thresholdBps < 0 || thresholdBps > 10_000) {
      throw new IllegalArgumentException("threshold outside [0, 10000] bps: " + thresholdBps);
    }
    if (minSpanTokens < 1 || maxOccurrences < 1 || epochLengthMillis < 1) {
      throw new IllegalArgumentException("span limits and epoch length must be positive");
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
        p.epochLengthSeconds() * 1000);
  }

  /** Span options of these parameters: word boundaries, no delimiters (version 1). */
  public SpanParams spanParams() {
    return SpanParams.builder().minLength(minSpanTokens).maxOccurrences(maxOccurrences).build();
  }

  public long epochOf(long eventTimeMillis) {
    return Math.floorDiv(eventTimeMillis, epochLengthMillis);
  }
}
