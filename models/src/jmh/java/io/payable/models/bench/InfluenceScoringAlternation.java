package io.payable.models.bench;

import java.util.Locale;

/**
 * The three batch kernels of {@link InfluenceScoringBenchmark} alternated batch by batch in one JVM
 * (A, B, C, A, B, C, ...), each timed by the benchmark thread's CPU time: on a shared machine whose
 * load moves by the minute, the ratio of alternated rounds is steadier than JMH runs one after the
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
      InfluenceScoringBenchmark.Cpu floats = new InfluenceScoringBenchmark.Cpu();
      InfluenceScoringBenchmark.Cpu doubles = new InfluenceScoringBenchmark.Cpu();
      InfluenceScoringBenchmark.Cpu first = new InfluenceScoringBenchmark.Cpu();
      for (int warm = 0; warm < 3; warm++) {
        bench.batchOf32(floats);
        bench.batchOf32Double(doubles);
        bench.batchOf32Tile32(first);
      }
      floats.reset();
      doubles.reset();
      first.reset();
      for (int r = 0; r < rounds; r++) {
        long a = floats.cpuNanos;
        bench.batchOf32(floats);
        long b = doubles.cpuNanos;
        bench.batchOf32Double(doubles);
        long c = first.cpuNanos;
        bench.batchOf32Tile32(first);
        System.out.printf(
            Locale.ROOT,
            "round %2d, ms of CPU per event: batchOf32 %.1f, batchOf32Double %.1f,"
                + " batchOf32Tile32 %.1f%n",
            r,
            (floats.cpuNanos - a) / 1e6 / 32,
            (doubles.cpuNanos - b) / 1e6 / 32,
            (first.cpuNanos - c) / 1e6 / 32);
      }
      double x = floats.cpuNanos / 1e6 / floats.events;
      double y = doubles.cpuNanos / 1e6 / doubles.events;
      double z = first.cpuNanos / 1e6 / first.events;
      System.out.printf(
          Locale.ROOT,
          "mean over %d events each, ms of CPU per event: batchOf32 %.2f, batchOf32Double %.2f"
              + " (%.2fx), batchOf32Tile32 %.2f (%.2fx)%n",
          floats.events,
          x,
          y,
          y / x,
          z,
          z / x);
    } finally {
      bench.tearDown();
    }
  }
}
