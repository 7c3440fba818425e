package io.payable.index.query;

import java.util.Set;

/**
 * Options of {@code maximalSpans}; build with {@link #builder()}.
 *
 * @param minLength shortest span kept, in tokens
 * @param maxOccurrences spans occurring more often than this (in the raw index) are dropped
 * @param maxDocuments most documents listed per span
 * @param wordBoundaries spans start and end only at word boundaries
 * @param delimiters token ids a span may hold only as its last token, and never start with
 */
public record SpanParams(
    int minLength,
    long maxOccurrences,
    int maxDocuments,
    boolean wordBoundaries,
    Set<Integer> delimiters) {

  public SpanParams {
    if (minLength < 1) {
      throw new IllegalArgumentException("minLength must be at least 1");
    }
    if (maxOccurrences < 1 || maxDocuments < 0) {
      throw new IllegalArgumentException("maxOccurrences must be positive, maxDocuments >= 0");
    }
    delimiters = Set.copyOf(delimiters);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Defaults: min length 1, max 1000 occurrences, every document, word boundaries, no delimiters.
   */
  public static SpanParams defaults() {
    return builder().build();
  }

  /** Builder of {@link SpanParams}. */
  public static final class Builder {
    private int minLength = 1;
    private long maxOccurrences = 1000;
    private int maxDocuments = Integer.MAX_VALUE;
    private boolean wordBoundaries = true;
    private Set<Integer> delimiters = Set.of();

    private Builder() {}

    public Builder minLength(int tokens) {
      this.minLength = tokens;
      return this;
    }

    public Builder maxOccurrences(long occurrences) {
      this.maxOccurrences = occurrences;
      return this;
    }

    public Builder maxDocuments(int documents) {
      this.maxDocuments = documents;
      return this;
    }

    public Builder wordBoundaries(boolean enabled) {
      this.wordBoundaries = enabled;
      return this;
    }

    public Builder delimiters(Set<Integer> tokenIds) {
      this.delimiters = tokenIds;
      return this;
    }

    public SpanParams build() {
      return new SpanParams(minLength, maxOccurrences, maxDocuments, wordBoundaries, delimiters);
    }
  }
}
