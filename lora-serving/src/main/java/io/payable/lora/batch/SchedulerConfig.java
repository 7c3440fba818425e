package io.payable.lora.batch;

/**
 * Continuous-batching limits.
 *
 * @param maxRunning requests decoding at once (each holds an adapter lease and a KV cache)
 * @param maxAdaptersPerStep distinct adapters in one forward step; more are cycled fairly
 * @param maxPrefillTokens prompt tokens admitted per step, so long prompts do not stall decoding
 * @param prefetchDepth waiting requests whose adapters are prefetched from disk
 * @param maxWaiting queue bound; beyond it requests are refused
 */
public record SchedulerConfig(
    int maxRunning,
    int maxAdaptersPerStep,
    int maxPrefillTokens,
    int prefetchDepth,
    int maxWaiting) {

  public SchedulerConfig {
    if (maxRunning < 1 || maxAdaptersPerStep < 1 || maxPrefillTokens < 1 || maxWaiting < 1) {
      throw new IllegalArgumentException("scheduler limits must be positive");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder with defaults suited to a CPU worker. */
  public static final class Builder {
    private int maxRunning = 64;
    private int maxAdaptersPerStep = 64;
    private int maxPrefillTokens = 2048;
    private int prefetchDepth = 32;
    private int maxWaiting = 10_000;

    public Builder maxRunning(int v) {
      maxRunning = v;
      return this;
    }

    public Builder maxAdaptersPerStep(int v) {
      maxAdaptersPerStep = v;
      return this;
    }

    public Builder maxPrefillTokens(int v) {
      maxPrefillTokens = v;
      return this;
    }

    public Builder prefetchDepth(int v) {
      prefetchDepth = v;
      return this;
    }

    public Builder maxWaiting(int v) {
      maxWaiting = v;
      return this;
    }

    public SchedulerConfig build() {
      return new SchedulerConfig(
          maxRunning, maxAdaptersPerStep, maxPrefillTokens, prefetchDepth, maxWaiting);
    }
  }
}
