package io.payable.up.demo;

import java.util.Arrays;

/** Word-level comparison of a model output with a passage, independent of any tokenizer. */
public final class Passages {

  private Passages() {}

  /** Whether {@code output} and {@code passage} share a run of {@code n} consecutive words. */
  public static boolean shareWords(String output, String passage, int n) {
    String[] words = output.trim().split("\\s+");
    String padded = " " + passage.trim().replaceAll("\\s+", " ") + " ";
    for (int i = 0; i + n <= words.length; i++) {
      if (padded.contains(" " + String.join(" ", Arrays.asList(words).subList(i, i + n)) + " ")) {
        return true;
      }
    }
    return false;
  }
}
