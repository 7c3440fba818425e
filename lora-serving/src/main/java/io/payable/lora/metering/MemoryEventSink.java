package io.payable.lora.metering;

import io.payable.wire.inference.InferenceEvent;
import java.util.ArrayList;
import java.util.List;

/** Keeps events in memory: for a worker run without Kafka, and for tests and benchmarks. */
public final class MemoryEventSink implements EventSink {
  private final List<InferenceEvent> events = new ArrayList<>();

  @Override
  public synchronized void accept(InferenceEvent event) {
    events.add(event);
  }

  public synchronized List<InferenceEvent> events() {
    return List.copyOf(events);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
