package io.payable.factory.dataset;

import io.payable.models.text.TextTokenizer;
import java.util.Arrays;
import java.util.Set;

/**
 * Turns a contribution's text into the token ids a run trains on: the base model's tokenizer with
 * its special tokens (BOS where its post-processor adds one), then an end-of-text id so a packed
 * sequence says where one contribution ends and the next begins.
 */
@FunctionalInterface
public interface ContributionTokenizer {

  int[] tokens(String text);

  /** The base model's {@code tokenizer.json}, with its first end-of-sequence id appended. */
  static ContributionTokenizer of(TextTokenizer tokenizer) {
    Set<Integer> eos = tokenizer.eosTokenIds();
    int end = eos.isEmpty() ? -1 : eos.iterator().next();
    return text -> {
      int[] ids = tokenizer.encode(text, true);
      if (end < 0 || (ids.length > 0 && ids[ids.length - 1] == end)) {
        return ids;
      }
      int[] out = Arrays.copyOf(ids, ids.length + 1);
      out[ids.length] = end;
      return out;
    };
  }
}
