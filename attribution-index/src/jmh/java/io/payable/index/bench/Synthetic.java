package io.payable.index.bench;

import java.util.Random;

/**
 * Synthetic corpora for benchmarks: Zipf-distributed tokens, with a share of passages copied from
 * earlier text so that long matches (the case attribution cares about) exist.
 */
public final class Synthetic {

  private Synthetic() {}

  /**
   * {@code n} symbols in {@code [1, alphabet)}: Zipf(1.1) draws, a tenth of them inside passages of
   * 16 to 512 symbols copied from earlier, with a separator 0 every ~2,000 symbols.
   */
  public static int[] symbols(int n, int alphabet, long seed) {
    Random random = new Random(seed);
    int vocab = alphabet - 1;
    double[] cdf = new double[vocab];
    double sum = 0;
    for (int i = 0; i < vocab; i++) {
      sum += 1.0 / Math.pow(i + 1, 1.1);
      cdf[i] = sum;
    }
    int[] out = new int[n];
    int i = 0;
    while (i < n) {
      if (i > 1_000 && random.nextInt(100) < 1) {
        int length = Math.min(n - i, 16 + random.nextInt(497));
        int from = random.nextInt(i - length > 0 ? i - length : 1);
        System.arraycopy(out, from, out, i, Math.min(length, i - from));
        i += Math.min(length, i - from);
        continue;
      }
      if (random.nextInt(2_000) == 0) {
        out[i++] = 0;
        continue;
      }
      double u = random.nextDouble() * sum;
      int lo = 0;
      int hi = vocab - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] < u) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      out[i++] = lo + 1;
    }
    if (n > 0) {
      out[n - 1] = 0;
    }
    return out;
  }

  /** English-like bytes: Zipf-drawn words of a fixed random lexicon, spaces and full stops. */
  public static byte[] text(int n, long seed) {
    Random random = new Random(seed);
    String[] lexicon = new String[20_000];
    for (int w = 0; w < lexicon.length; w++) {
      int length = 1 + random.nextInt(3) + random.nextInt(6);
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c < length; c++) {
        sb.append((char) ('a' + random.nextInt(26)));
      }
      lexicon[w] = sb.toString();
    }
    int[] ranks = symbols(n / 5 + 1, lexicon.length + 1, seed);
    byte[] out = new byte[n];
    int p = 0;
    for (int k = 0; p < n; k++) {
      String word = ranks[k % ranks.length] == 0 ? "." : lexicon[ranks[k % ranks.length] - 1];
      for (int c = 0; c < word.length() && p < n; c++) {
        out[p++] = (byte) word.charAt(c);
      }
      if (p < n) {
        out[p++] = ' ';
      }
    }
    return out;
  }
}
