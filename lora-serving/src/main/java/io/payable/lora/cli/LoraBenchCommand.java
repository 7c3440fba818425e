package io.payable.lora.cli;

import io.payable.lora.bench.BenchOptions;
import io.payable.lora.bench.LoraBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code payable bench lora}: multi-adapter throughput against the naive merge baseline. */
@Command(
    name = "lora",
    mixinStandardHelpOptions = true,
    description =
        "Tokens/s with 1, 10, 100 and 1,000 distinct adapters in the mix, cold-load latency,"
            + " memory per adapter, against merging each adapter per request.")
public final class LoraBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--work-dir", description = "Where the synthetic model and adapters go.")
  Path workDir;

  @Option(names = "--hidden", defaultValue = "256")
  int hidden;

  @Option(names = "--layers", defaultValue = "4")
  int layers;

  @Option(names = "--heads", defaultValue = "8")
  int heads;

  @Option(names = "--intermediate", defaultValue = "1024")
  int intermediate;

  @Option(names = "--rank", defaultValue = "8")
  int rank;

  @Option(names = "--adapters", defaultValue = "1000")
  int adapters;

  @Option(names = "--mix", split = ",", defaultValue = "1,10,100,1000")
  List<Integer> mixes;

  @Option(names = "--requests", defaultValue = "1000")
  int requests;

  @Option(names = "--prompt-tokens", defaultValue = "16")
  int promptTokens;

  @Option(names = "--max-tokens", defaultValue = "16")
  int maxTokens;

  @Option(names = "--max-running", defaultValue = "64")
  int maxRunning;

  @Option(names = "--slots", defaultValue = "128")
  int slots;

  @Option(names = "--naive-requests", defaultValue = "32")
  int naiveRequests;

  @Option(names = "--cold-samples", defaultValue = "20")
  int coldSamples;

  @Option(names = "--repeats", defaultValue = "3", description = "Runs per mix (median).")
  int repeats;

  @Option(
      names = "--torch-threads",
      defaultValue = "1",
      description =
          "PyTorch intra-op threads (default 1: spinning OpenMP teams collapse on a shared box).")
  Integer torchThreads;

  @Override
  public Integer call() throws Exception {
    if (torchThreads != null) {
      System.setProperty("ai.djl.pytorch.num_threads", torchThreads.toString());
    }
    Path dir = workDir != null ? workDir : Files.createTempDirectory("payable-lora-bench");
    Files.createDirectories(dir);
    BenchOptions o =
        new BenchOptions(
            dir,
            hidden,
            layers,
            heads,
            intermediate,
            rank,
            adapters,
            mixes,
            requests,
            promptTokens,
            maxTokens,
            maxRunning,
            slots,
            naiveRequests,
            coldSamples,
            repeats);
    new LoraBenchmark(o, spec.commandLine().getOut()).run();
    return 0;
  }
}
