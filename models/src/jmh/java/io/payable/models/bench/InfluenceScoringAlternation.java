package io.payable.models.bench;

import java.util.Locale;

/**
 * The two batch kernels of {@link InfluenceScoringBenchmark} alternated batch by batch in one JVM
 * (A, B, A, B, ...), each timed by the benchmark thread's CPU time: on a shared machine whose load
 * moves by the minute, the ratio of alternated rounds is steadier than two JMH runs one after the
 * other. A benchmark tool, not a test:
 *
 * <pre>
 * java -Xmx5g -cp ... io.payable.models.bench.InfluenceScoringAlternation [EXAMPLES] [ROUNDS]
 * </pre>
 */
public final class InfluenceScoringAlternation {
  private InfluenceScoringAlternation() {}

  public static void main(String[] args) throws Exception {
    InfluenceScoringBenchmark bench = new InfluenceScoringBenchmark();
    bench.examples = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    bench.setUp();
    try {
      InfluenceScoringBenchmark.Cpu tiled = new InfluenceScoringBenchmark.Cpu();
      InfluenceScoringBenchmark.Cpu previous = new InfluenceScoringBenchmark.Cpu();
      for (int warm = 0; warm < 3; warm++) {
        bench.batchOf32(tiled);
        bench.batchOf32Tile32(previous);
      }
      tiled.reset();
      previous.reset();
      for (int r = 0; r < rounds; r++) {
        long a = tiled.cpuNanos;
        bench.batchOf32(tiled);
        long b = previous.cpuNanos;
        bench.batchOf32Tile32(previous);
        System.out.printf(
            Locale.ROOT,
            "round %2d: batchOf32 %.1f ms, batchOf32Tile32 %.1f ms of CPU per event%n",
            r,
            (tiled.cpuNanos - a) / 1e6 / 32,
            (previous.cpuNanos - b) / 1e6 / 32);
      }
      double x = tiled.cpuNanos / 1e6 / tiled.events;
      double y = previous.cpuNanos / 1e6 / previous.events;
      System.out.printf(
          Locale.ROOT,
          "mean over %d events each: batchOf32 %.2f ms, batchOf32Tile32 %.2f ms of CPU per event"
              + " (%.2fx)%n",
          tiled.events,
          x,
          y,
          y / x);
    } finally {
      bench.tearDown();
    }
  }
}
