package io.payable.lora.model;

/**
 * The tokens one request contributes to a forward step: its whole prompt on the first step
 * (prefill), one token afterwards (decode).
 *
 * @param sequence the request's KV cache
 * @param tokens new token ids
 * @param slot device adapter slot, or {@link #BASE} for the base model alone
 */
public record Segment(Sequence sequence, int[] tokens, int slot) {
  public static final int BASE = -1;
}
