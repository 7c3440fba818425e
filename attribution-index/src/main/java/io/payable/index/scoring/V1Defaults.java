package io.payable.index.scoring;

/**
 * The attribution v1 parameters the attribution job pays with when no chain supplies {@code
 * ProtocolParams} (docs/attribution.md, "Inputs"). One definition, so that {@code payable trace}
 * shows by default what the job would pay.
 */
public final class V1Defaults {

  /** Shortest attributable span, in tokens. */
  public static final int MIN_SPAN_TOKENS = 8;

  /** Spans occurring more often than this in the index are not attributable. */
  public static final long MAX_OCCURRENCES = 1_000L;

  /** Contributors below this share are dropped before renormalisation, in basis points. */
  public static final int THRESHOLD_BPS = 100;

  private V1Defaults() {}
}
