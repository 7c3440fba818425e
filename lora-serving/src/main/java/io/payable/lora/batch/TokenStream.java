package io.payable.lora.batch;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The tokens of one request as the scheduler generates them, for a consumer on another thread (an
 * SSE response), and the consumer's way to stop the request early: a client that disconnected or a
 * stop string that matched. The scheduler never blocks on the consumer.
 */
public final class TokenStream {
  /** What {@link #poll} returns: a token, or the end of the request. */
  public sealed interface Event permits TokenEvent, End {}

  public record TokenEvent(GeneratedToken token) implements Event {}

  /** The request ended: with a result, or with an error. */
  public record End(GenerationResult result, Throwable error) implements Event {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private volatile String cancelReason;

  void token(GeneratedToken t) {
    events.add(new TokenEvent(t));
  }

  void end(GenerationResult result, Throwable error) {
    events.add(new End(result, error));
  }

  /** The next event, or null after the timeout. */
  public Event poll(long timeout, TimeUnit unit) throws InterruptedException {
    return events.poll(timeout, unit);
  }

  /**
   * Asks the scheduler to finish the request at its next step with this finish reason (e.g. {@code
   * stop}, or {@code cancelled} for a client gone); its lease is released and the tokens generated
   * so far are its result.
   */
  public void cancel(String finishReason) {
    if (cancelReason == null) {
      cancelReason = finishReason;
    }
  }

  public String cancelReason() {
    return cancelReason;
  }
}
