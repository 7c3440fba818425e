package io.payable.models;

/**
 * The tokens one sequence contributes to a forward step: its whole prompt on the first step
 * (prefill), one token per step afterwards (decode).
 *
 * @param sequence the sequence's key/value cache, extended by the step
 * @param tokens new token ids
 * @param slot LoRA slot of the sequence's adapter, or {@link #BASE} for the base model alone
 */
public record Segment(Sequence sequence, int[] tokens, int slot) {
  public static final int BASE = -1;
}
