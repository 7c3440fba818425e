package io.payable.index.bench;

import io.payable.index.sais.SuffixArrays;
import io.payable.index.shard.Document;
import io.payable.index.shard.ShardWriter;
import io.payable.index.tokenize.ByteTokenizer;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Side-by-side companion of {@code bench/index/dss.c} and {@code lsais.c}: the SA-IS build time
 * over a file, every run and the best of N, and optionally the suffix array itself or a {@code
 * bytes} shard of the file as one document (whose {@code sa} minus its first entry, the separator,
 * must equal libdivsufsort's output).
 *
 * <p>Usage: {@code SaBuildComparison INPUT REPEATS [--u32 ALPHABET] [--alphabet K] [--sa FILE]
 * [--shard DIR] [--threads T]}. Without {@code --u32} the input is bytes (alphabet 256); with it,
 * u32 little-endian symbols below ALPHABET. A benchmark tool, not a test: it prints its figures to
 * standard output.
 */
public final class SaBuildComparison {

  private SaBuildComparison() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    Path input = Path.of(args[0]);
    int repeats = Integer.parseInt(args[1]);
    int alphabet = 256;
    boolean u32 = false;
    Path saFile = null;
    Path shard = null;
    int threads = 1;
    for (int a = 2; a < args.length; a += 2) {
      switch (args[a]) {
        case "--u32" -> {
          u32 = true;
          alphabet = Integer.parseInt(args[a + 1]);
        }
        case "--alphabet" -> alphabet = Integer.parseInt(args[a + 1]);
        case "--sa" -> saFile = Path.of(args[a + 1]);
        case "--shard" -> shard = Path.of(args[a + 1]);
        case "--threads" -> threads = Integer.parseInt(args[a + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[a]);
      }
    }
    byte[] bytes = Files.readAllBytes(input);
    int[] text;
    if (u32) {
      text = new int[bytes.length / 4];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(text);
    } else {
      text = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        text[i] = bytes[i] & 0xff;
      }
    }
    int n = text.length;
    boolean bytesInPlace = !u32 && alphabet == 256 && threads == 1;
    List<String> times = new ArrayList<>();
    double best = Double.MAX_VALUE;
    double bestCpu = Double.MAX_VALUE;
    // CPU time of the building thread (of the whole process with a helper thread): steadier than
    // wall time on shared cores.
    java.lang.management.ThreadMXBean threadBean =
        java.lang.management.ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    java.util.function.LongSupplier cpu =
        threads > 1 ? os::getProcessCpuTime : threadBean::getCurrentThreadCpuTime;
    int[] sa = null;
    for (int r = 0; r < repeats; r++) {
      sa = null;
      long t0 = System.nanoTime();
      long c0 = cpu.getAsLong();
      // Bytes on one thread are read in place, as libdivsufsort reads them.
      sa =
          bytesInPlace
              ? SuffixArrays.build(bytes, n)
              : SuffixArrays.build(text, n, alphabet, threads);
      double ms = (System.nanoTime() - t0) / 1e6;
      bestCpu = Math.min(bestCpu, (cpu.getAsLong() - c0) / 1e6);
      times.add(String.format("%.1f", ms));
      best = Math.min(best, ms);
      if (sa.length != n) {
        throw new IllegalStateException("bad suffix array length");
      }
    }
    out.printf(
        "sais-java n=%d times_ms=%s best_cpu_ms=%.1f best_ms=%.1f%n",
        n, String.join(",", times), bestCpu, best);
    if (saFile != null) {
      ByteBuffer buf = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
      buf.asIntBuffer().put(sa);
      Files.write(saFile, buf.array());
    }
    if (shard != null) {
      String content = new String(bytes, StandardCharsets.UTF_8);
      if (!java.util.Arrays.equals(content.getBytes(StandardCharsets.UTF_8), bytes)) {
        throw new IllegalArgumentException(input + " is not valid UTF-8");
      }
      new ShardWriter(new ByteTokenizer())
          .add(new Document("doc", "bench", "bench", content))
          .write(shard);
    }
  }
}
