package io.payable.lora.metering;

import io.payable.wire.inference.InferenceEvent;

/** Where completed, metered requests go. */
public interface EventSink extends AutoCloseable {
  void accept(InferenceEvent event);

  /** Sends whatever is buffered and waits for it. */
  void flush();

  @Override
  void close();
}
