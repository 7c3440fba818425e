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

/** {@code payable bench lora}: multi-adapter throughput and latency of the worker. */
@Command(
    name = "lora",
    mixinStandardHelpOptions = true,
    description =
        "Tokens/s and time to first token with 1, 10, 100 and 1,000 adapters in the mix on a"
            + " random-weight Llama model, ratio to one adapter, cold-load latency, memory per"
            + " adapter.")
public final class LoraBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--work-dir", description = "Where the synthetic model and adapters go.")
  Path workDir;

  @Option(names = "--vocab", defaultValue = "8192")
  int vocab;

  @Option(names = "--hidden", defaultValue = "512")
  int hidden;

  @Option(names = "--layers", defaultValue = "8")
  int layers;

  @Option(names = "--heads", defaultValue = "8")
  int heads;

  @Option(names = "--kv-heads", defaultValue = "4")
  int kvHeads;

  @Option(names = "--intermediate", defaultValue = "1536")
  int intermediate;

  @Option(names = "--min-rank", defaultValue = "8")
  int minRank;

  @Option(names = "--max-rank", defaultValue = "16")
  int maxRank;

  @Option(names = "--adapters", defaultValue = "1000")
  int adapters;

  @Option(names = "--mix", split = ",", defaultValue = "1,10,100,1000")
  List<Integer> mixes;

  @Option(names = "--requests", defaultValue = "256", description = "Requests per mix.")
  int requests;

  @Option(names = "--prompt-tokens", defaultValue = "16")
  int promptTokens;

  @Option(names = "--max-tokens", defaultValue = "64")
  int maxTokens;

  @Option(names = "--max-running", defaultValue = "64", description = "Concurrent streams.")
  int maxRunning;

  @Option(names = "--slots", defaultValue = "128")
  int slots;

  @Option(
      names = "--targets",
      split = ",",
      defaultValue = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj",
      description = "Projections the adapters adapt.")
  List<String> targets;

  @Option(
      names = "--dtype",
      defaultValue = "float32",
      description = "float32, or float16 on a GPU.")
  String dtype;

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
            vocab,
            hidden,
            layers,
            heads,
            kvHeads,
            intermediate,
            minRank,
            maxRank,
            adapters,
            mixes,
            requests,
            promptTokens,
            maxTokens,
            maxRunning,
            slots,
            coldSamples,
            repeats,
            projections(targets),
            switch (dtype) {
              case "float32" -> ai.djl.ndarray.types.DataType.FLOAT32;
              case "float16" -> ai.djl.ndarray.types.DataType.FLOAT16;
              default ->
                  throw new picocli.CommandLine.ParameterException(
                      spec.commandLine(), "--dtype must be float32 or float16");
            });
    new LoraBenchmark(o, spec.commandLine().getOut()).run();
    return 0;
  }

  private java.util.Set<io.payable.models.Projection> projections(List<String> names) {
    java.util.Set<io.payable.models.Projection> out =
        java.util.EnumSet.noneOf(io.payable.models.Projection.class);
    for (String n : names) {
      io.payable.models.Projection p = io.payable.models.Projection.ofModuleName(n);
      if (p == null) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "unknown projection " + n);
      }
      out.add(p);
    }
    return out;
  }
}
