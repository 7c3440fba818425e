package io.payable.loadgen;

import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.time.Instant;

/** Test tool: metered inference events around a generated output, as a worker would emit. */
public final class InferenceEvents {

  private InferenceEvents() {}

  /** An event priced per output token, done now; its output token count is the word count. */
  public static InferenceEvent of(
      String eventId,
      String worker,
      String modelId,
      String adapterId,
      String consumer,
      BigInteger priceWei,
      String output,
      Instant done) {
    int tokens = Math.max(1, output.split("\\s+").length);
    return new InferenceEvent(
        eventId,
        worker,
        modelId,
        adapterId,
        "1",
        consumer,
        priceWei.multiply(BigInteger.valueOf(tokens)),
        InferenceEvent.PriceBasis.PER_OUTPUT_TOKEN,
        priceWei,
        output,
        16,
        tokens,
        done.minusMillis(200),
        done.minusMillis(150),
        done);
  }
}
