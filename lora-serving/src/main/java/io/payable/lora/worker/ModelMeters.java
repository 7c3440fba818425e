package io.payable.lora.worker;

import java.util.concurrent.atomic.LongAdder;

/** Per-model (adapter or base) request, token and latency totals, for {@code /metrics}. */
public final class ModelMeters {
  public final LongAdder requests = new LongAdder();
  public final LongAdder promptTokens = new LongAdder();
  public final LongAdder outputTokens = new LongAdder();
  public final LongAdder latencyNanos = new LongAdder();
  public final LongAdder firstTokenNanos = new LongAdder();
}
