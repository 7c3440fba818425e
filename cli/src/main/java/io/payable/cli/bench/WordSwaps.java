package io.payable.cli.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Paraphrase noise for the planted-passage benchmark: a fixed fraction of a passage's words
 * replaced by other words, at seeded positions. The words come from a pool the caller draws from
 * text no contributor holds, so a swapped word matches the passage only by chance.
 */
final class WordSwaps {
  private WordSwaps() {}

  /**
   * The passage's words (split on white space, joined by one space) with {@code round(rate * n)} of
   * its {@code n} words, at distinct positions, each replaced by a different word of {@code pool}.
   *
   * @throws IllegalArgumentException when the rate is outside [0, 1] or the pool has fewer than two
   *     distinct words
   */
  static String swap(String passage, double rate, List<String> pool, Random random) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("swap rate outside [0, 1]: " + rate);
    }
    if (pool.stream().distinct().limit(2).count() < 2) {
      throw new IllegalArgumentException("the pool of replacement words needs two distinct words");
    }
    String[] words = passage.trim().split("\\s+");
    int count = (int) Math.round(rate * words.length);
    List<Integer> positions = new ArrayList<>(words.length);
    for (int i = 0; i < words.length; i++) {
      positions.add(i);
    }
    Collections.shuffle(positions, random);
    for (int i : positions.subList(0, count)) {
      String replacement;
      do {
        replacement = pool.get(random.nextInt(pool.size()));
      } while (replacement.equals(words[i]));
      words[i] = replacement;
    }
    return String.join(" ", words);
  }
}
