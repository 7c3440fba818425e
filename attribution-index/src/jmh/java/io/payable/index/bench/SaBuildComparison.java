package io.payable.index.bench;

import io.payable.index.sais.SuffixArrays;
import io.payable.index.shard.Document;
import io.payable.index.shard.ShardWriter;
import io.payable.index.tokenize.ByteTokenizer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Side-by-side companion of {@code bench/index/dss.c}: the single-thread SA-IS build time over a
 * file's bytes, best of N runs, and optionally a {@code bytes} shard of the file as one document
 * (whose {@code sa} minus its first entry, the separator, must equal libdivsufsort's output).
 *
 * <p>Usage: {@code SaBuildComparison INPUT REPEATS [SHARD_DIR]}. A benchmark tool, not a test: it
 * prints its figures to standard output.
 */
public final class SaBuildComparison {

  private SaBuildComparison() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    Path input = Path.of(args[0]);
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    byte[] bytes = Files.readAllBytes(input);
    int n = bytes.length;
    int[] text = new int[n];
    for (int i = 0; i < n; i++) {
      text[i] = bytes[i] & 0xff;
    }
    double best = Double.MAX_VALUE;
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      int[] sa = SuffixArrays.build(text, n, 256);
      best = Math.min(best, (System.nanoTime() - t0) / 1e6);
      if (sa.length != n) {
        throw new IllegalStateException("bad suffix array length");
      }
    }
    out.printf("sais-java bytes=%d best_ms=%.1f%n", n, best);
    if (args.length > 2) {
      String content = new String(bytes, StandardCharsets.UTF_8);
      if (!java.util.Arrays.equals(content.getBytes(StandardCharsets.UTF_8), bytes)) {
        throw new IllegalArgumentException(input + " is not valid UTF-8");
      }
      new ShardWriter(new ByteTokenizer())
          .add(new Document("doc", "bench", "bench", content))
          .write(Path.of(args[2]));
    }
  }
}
