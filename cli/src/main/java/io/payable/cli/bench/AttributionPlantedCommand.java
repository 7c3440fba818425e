package io.payable.cli.bench;

import io.payable.cli.bench.PlantedAttributionBenchmark.Config;
import io.payable.cli.bench.PlantedAttributionBenchmark.Result;
import io.payable.cli.bench.PlantedAttributionBenchmark.Row;
import io.payable.up.demo.DemoCorpora;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code payable bench attribution-planted}: recall and precision of {@code spans}, {@code
 * gradient} and {@code hybrid} attribution on planted passages with swapped words.
 */
@Command(
    name = "attribution-planted",
    mixinStandardHelpOptions = true,
    description =
        "Planted passages with a fraction of their words swapped, attributed by spans, gradient"
            + " and hybrid on an adapter trained on the passages: recall and precision of the"
            + " planted contributor per swap rate.")
public final class AttributionPlantedCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--corpora",
      description =
          "The demo corpora (moby-dick.txt, sotu.txt, brown.txt; default: next to the CLI).")
  Path corpora;

  @Option(
      names = "--work-dir",
      description = "Where the model, adapter, store and index go (default: a temporary one).")
  Path workDir;

  @Option(names = "--slices", defaultValue = "3", description = "Contributors per corpus.")
  int slices;

  @Option(names = "--passages", defaultValue = "4", description = "Passages per contributor.")
  int passages;

  @Option(
      names = "--passage-tokens",
      defaultValue = "240",
      description = "Longest passage, in the base model's (byte) tokens.")
  int passageTokens;

  @Option(names = "--steps", defaultValue = "80", description = "Training steps (batch 4).")
  int steps;

  @Option(
      names = "--swap-rates",
      split = ",",
      defaultValue = "0,0.1,0.3,0.5",
      description = "Fractions of each passage's words swapped.")
  List<Double> swapRates;

  @Option(names = "--seed", defaultValue = "7", description = "Training and swap seed.")
  long seed;

  @Option(
      names = "--threshold-bps",
      defaultValue = "100",
      description = "Contributor shares below this are dropped (ProtocolParams).")
  int thresholdBps;

  @Option(
      names = "--hybrid-gradient-bps",
      defaultValue = "5000",
      description = "The hybrid's mixing weight of the gradient shares (ProtocolParams).")
  int hybridGradientBps;

  @Option(
      names = "--gradient-threshold-bps",
      defaultValue = "2000",
      description =
          "Gradient shares below this are dropped before a gradient split or a hybrid mix"
              + " (ProtocolParams).")
  int gradientThresholdBps;

  @Option(
      names = "--mixes",
      split = ",",
      defaultValue = "0,1000,2500,5000,7500",
      description = "Hybrid mixing weights of the sweep.")
  List<Integer> mixes;

  @Option(
      names = "--thresholds",
      split = ",",
      defaultValue = "100,500,1000",
      description = "Thresholds (bps) of the sweep.")
  List<Integer> thresholds;

  @Option(
      names = "--gradient-thresholds",
      split = ",",
      defaultValue = "0,1000,2000",
      description = "Thresholds (bps) on the gradient shares of the sweep (0: none).")
  List<Integer> gradientThresholds;

  @Option(names = "--torch-threads", defaultValue = "1", description = "PyTorch intra-op threads.")
  int torchThreads;

  @Override
  public Integer call() throws IOException {
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(torchThreads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Path dir = corpora != null ? corpora : locateCorpora();
    for (String file : PlantedAttributionBenchmark.CORPORA) {
      if (!Files.isRegularFile(dir.resolve(file))) {
        throw new IllegalArgumentException("no " + file + " in the corpora directory " + dir);
      }
    }
    boolean temporary = workDir == null;
    Path work = temporary ? Files.createTempDirectory("payable-attribution-planted") : workDir;
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "training an adapter on %d contributors x %d passages (%d steps), then %d outputs per"
            + " swap rate%n",
        3 * slices,
        passages,
        steps,
        3 * slices * passages);
    out.flush();
    try {
      Result r =
          PlantedAttributionBenchmark.run(
              new Config(
                  dir,
                  work,
                  slices,
                  passages,
                  passageTokens,
                  steps,
                  swapRates,
                  seed,
                  thresholdBps,
                  hybridGradientBps,
                  gradientThresholdBps,
                  mixes,
                  thresholds,
                  gradientThresholds));
      print(out, r);
    } finally {
      if (temporary) {
        delete(work);
      }
    }
    return 0;
  }

  static void print(PrintWriter out, Result r) {
    out.printf(
        Locale.ROOT,
        "%d contributors, %d training examples; influence store dimension %d, %,d bytes;"
            + " training %.1f s, store %.1f s, query sketch %.1f ms per output%n",
        r.contributors(),
        r.trainingExamples(),
        r.storeDimension(),
        r.storeBytes(),
        r.trainSeconds(),
        r.storeSeconds(),
        r.sketchMillisPerOutput());
    out.println(
        "| swapped | method | recall | precision (weight) | precision (contributors) | top-1 |"
            + " contributors per output | attributed |");
    out.println("|---|---|---|---|---|---|---|---|");
    for (Row row : r.rows()) {
      line(out, row);
    }
    // The sweep: one line per swap rate and threshold, recall / precision (weight) per method.
    List<Row> sweep = r.sweep();
    StringBuilder head = new StringBuilder("| swapped | threshold | gradient threshold |");
    StringBuilder rule = new StringBuilder("|---|---|---|");
    int perLine = 0;
    for (Row row : sweep) {
      if (row.swapRate() != sweep.get(0).swapRate()
          || row.thresholdBps() != sweep.get(0).thresholdBps()
          || row.gradientThresholdBps() != sweep.get(0).gradientThresholdBps()) {
        break;
      }
      head.append(' ').append(name(row)).append(" |");
      rule.append("---|");
      perLine++;
    }
    out.println("Sweep, recall / precision (weight):");
    out.println(head);
    out.println(rule);
    for (int i = 0; i < sweep.size(); i += perLine) {
      Row first = sweep.get(i);
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "| %.0f%% | %d bps | %s |",
                  first.swapRate() * 100,
                  first.thresholdBps(),
                  first.gradientThresholdBps() == 0
                      ? "none"
                      : first.gradientThresholdBps() + " bps"));
      for (Row row : sweep.subList(i, i + perLine)) {
        line.append(
            String.format(
                Locale.ROOT, " %.3f / %.3f |", row.score().recall(), row.score().precision()));
      }
      out.println(line);
    }
    out.flush();
  }

  private static void line(PrintWriter out, Row row) {
    PlantedScore s = row.score();
    String method = name(row);
    out.printf(
        Locale.ROOT,
        "| %.0f%% | %s | %.3f | %.3f | %.3f | %.3f | %.2f | %d of %d |%n",
        row.swapRate() * 100,
        method,
        s.recall(),
        s.precision(),
        s.contributorPrecision(),
        s.top1(),
        s.contributorsPerOutput(),
        s.attributed(),
        s.outputs());
  }

  private static String name(Row row) {
    return row.method().equals("hybrid")
        ? "hybrid " + row.hybridGradientBps() + " bps"
        : row.method();
  }

  /** The corpora the build writes next to the CLI ({@code payable-cli/corpora}). */
  private static Path locateCorpora() {
    return DemoCorpora.find()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "demo corpora not found next to the CLI: build with ./mvnw -B -q -DskipTests"
                        + " package, or give --corpora DIR"));
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
