package io.payable.cli.bench;

import io.payable.cli.CliLogging;
import io.payable.up.demo.DemoCorpora;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code payable bench attribution-quality}: spans, gradient and hybrid against leave-one-out. */
@Command(
    name = "attribution-quality",
    mixinStandardHelpOptions = true,
    description = {
      "Attribution quality against contributor-level leave-one-out retraining: one contributor"
          + " per distinct source, one adapter trained on all of them, outputs generated from"
          + " held-out prompts; per method (spans, gradient, hybrid) the mean Spearman"
          + " correlation between predicted contributor weights and the loss increase when the"
          + " adapter is retrained without each contributor, and top-1 agreement.",
      "Cost figures on the way: training, influence-store build, query sketch against"
          + " generation."
    })
public final class AttributionQualityCommand implements Callable<Integer> {

  /**
   * Eight of the twelve sources the build writes under corpora/attribution (the others:
   * sotu-1934-1945, brown-hobbies, brown-mystery, brown-science-fiction), one contributor each.
   */
  static final String DEFAULT_SOURCES =
      "moby-dick,sotu-1790-1800,sotu-2009-2021,brown-news,brown-religion,brown-learned,"
          + "brown-romance,brown-humor";

  @Spec CommandSpec spec;

  @Option(
      names = "--corpora",
      description =
          "Directory of the sources, one <source>.txt per source, one passage per line"
              + " (default: corpora/attribution next to the CLI, written by the build).")
  Path corpora;

  @Option(
      names = "--work-dir",
      description =
          "Where the model, adapters and influence store go; must be empty or missing, and is"
              + " kept (default: a temporary directory, deleted at the end).")
  Path workDir;

  @Option(names = "--sources", split = ",", defaultValue = DEFAULT_SOURCES)
  List<String> sources;

  @Option(
      names = "--examples",
      defaultValue = "24",
      description = "Training examples (passages) per contributor.")
  int examples;

  @Option(names = "--seq-len", defaultValue = "96", description = "Tokens per training example.")
  int seqLen;

  @Option(names = "--prompt-tokens", defaultValue = "32")
  int promptTokens;

  @Option(names = "--output-tokens", defaultValue = "32", description = "Tokens per output.")
  int outputTokens;

  @Option(
      names = "--outputs",
      defaultValue = "56",
      description = "Outputs in all, spread evenly over the sources (rounded up).")
  int outputs;

  @Option(names = "--steps", defaultValue = "200")
  int steps;

  @Option(names = "--batch-size", defaultValue = "8")
  int batchSize;

  @Option(names = "--lr", defaultValue = "1e-2")
  double learningRate;

  @Option(names = "--rank", defaultValue = "8")
  int rank;

  @Option(
      names = "--seeds",
      split = ",",
      defaultValue = "1,2",
      description =
          "Training seeds: the first trains the attributed adapter; the leave-one-out increase"
              + " is averaged over all, and with two or more their agreement is the noise"
              + " ceiling.")
  List<Long> seeds;

  @Option(names = "--hidden", defaultValue = "64", description = "Hidden size of the base model.")
  int hidden;

  @Option(names = "--layers", defaultValue = "2")
  int layers;

  @Option(names = "--sketch-k", defaultValue = "2048")
  int k;

  @Option(names = "--hybrid-bps", defaultValue = "5000")
  int hybridBps;

  @Option(
      names = "--gradient-threshold-bps",
      defaultValue = "2000",
      description = "Gradient shares below this are dropped before the hybrid mix (V2.6 step 4).")
  int gradientThresholdBps;

  @Option(
      names = "--temperature",
      defaultValue = "0.8",
      description = "Sampling temperature of the outputs, from the first seed; 0 is greedy.")
  double temperature;

  @Option(
      names = "--tokenizer",
      defaultValue = "bytes",
      description =
          "Tokenizer of the random-weight base model: llama2 (shipped next to the corpora,"
              + " vocabulary 32,000) or bytes (257).")
  String tokenizer;

  @Option(
      names = "--base-model",
      description =
          "A Hugging Face Llama checkpoint directory to train on instead of the random-weight"
              + " model (--tokenizer, --hidden and --layers are then ignored).")
  Path baseModel;

  @Option(
      names = "--pretrain-steps",
      defaultValue = "0",
      description =
          "Before the benchmark, train a LoRA of --pretrain-rank on all projections for this many"
              + " steps on --pretrain-sources and merge it into the base, so that the base models"
              + " English text (0: the base as it is).")
  int pretrainSteps;

  @Option(names = "--pretrain-rank", defaultValue = "64")
  int pretrainRank;

  @Option(names = "--pretrain-lr", defaultValue = "5e-3")
  double pretrainLr;

  @Option(names = "--pretrain-batch-size", defaultValue = "16")
  int pretrainBatchSize;

  @Option(
      names = "--pretrain-sources",
      split = ",",
      description =
          "Sources the base is pretrained on; none may be in --sources (default: every source"
              + " of --corpora not in --sources).")
  List<String> pretrainSources;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description =
          "PyTorch intra-op threads (one keeps the run reproducible and the machine shared).")
  int threads;

  @Option(
      names = "--variants",
      description = "Also print diagnostic variants of the gradient method (outside the spec).")
  boolean variants;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    if (sources.size() < 2) {
      throw new IllegalArgumentException("--sources needs at least two sources");
    }
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("--seeds needs at least one seed");
    }
    Path dir = corpora != null ? corpora : defaultCorpora();
    boolean temporary = workDir == null;
    Path work = temporary ? Files.createTempDirectory("payable-bench-attribution") : workDir;
    if (!temporary && Files.exists(work)) {
      try (var entries = Files.list(work)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException("--work-dir " + work + " is not empty");
        }
      }
    }
    Files.createDirectories(work);
    CliLogging.toFile(work.resolve("bench.log"));
    AttributionQualityBenchmark.Options options =
        new AttributionQualityBenchmark.Options(
            dir,
            work,
            sources,
            examples,
            seqLen,
            promptTokens,
            outputTokens,
            outputs,
            steps,
            batchSize,
            learningRate,
            rank,
            seeds,
            hidden,
            layers,
            k,
            hybridBps,
            gradientThresholdBps,
            temperature,
            baseModel == null ? tokenizerDir(dir) : null,
            baseModel,
            new AttributionQualityBenchmark.Pretraining(
                pretrainSteps,
                pretrainRank,
                pretrainLr,
                pretrainBatchSize,
                pretrainSteps == 0
                    ? List.of()
                    : pretrainSources != null ? pretrainSources : otherSources(dir, sources)));
    long started = System.nanoTime();
    AttributionQualityBenchmark.Result result;
    try {
      result =
          new AttributionQualityBenchmark(
                  options,
                  line -> {
                    out.println(line);
                    out.flush();
                  })
              .run();
    } finally {
      if (temporary) {
        AttributionQualityBenchmark.deleteTree(work);
      }
    }
    print(out, result, (System.nanoTime() - started) / 1e9);
    return 0;
  }

  private void print(PrintWriter out, AttributionQualityBenchmark.Result r, double seconds) {
    AttributionQualityBenchmark.Options o = r.options();
    out.println();
    out.printf(
        Locale.ROOT,
        "K %d contributors, %d examples of %d tokens each (%d in all); %d outputs of %d"
            + " tokens (temperature %s) from held-out %d-token prompts; %s,"
            + " LoRA r %d, %d steps of %d, lr %s; leave-one-out over seeds %s; sketch k %d"
            + " (dimension %d)%n",
        r.contributors(),
        o.examples(),
        o.seqLen(),
        r.trainingExamples(),
        r.outputs(),
        o.generatedTokens(),
        o.temperature(),
        o.promptTokens(),
        o.baseModel() != null
            ? "base model " + o.baseModel().getFileName()
            : String.format(
                Locale.ROOT,
                "random-weight Llama of %d layers x %d (%s tokenizer)",
                o.layers(),
                o.hidden(),
                o.tokenizer() == null ? "byte" : "llama2"),
        o.rank(),
        o.steps(),
        o.batchSize(),
        o.learningRate(),
        o.seeds(),
        o.k(),
        r.sketchDimension());
    if (r.pretrained() != null) {
      AttributionQualityBenchmark.PretrainResult p = r.pretrained();
      AttributionQualityBenchmark.Pretraining pc = o.pretraining();
      out.printf(
          Locale.ROOT,
          "base pretrained on %s: LoRA r %d on all projections, %d steps of %d (lr %s, cosine),"
              + " %d windows (%d tokens), merged; training loss %.3f -> %.3f, held-out %.3f;"
              + " %.0f s%n",
          String.join(", ", pc.sources()),
          pc.rank(),
          pc.steps(),
          pc.batchSize(),
          pc.learningRate(),
          p.sequences(),
          p.tokens(),
          p.firstLoss(),
          p.finalLoss(),
          p.evalLoss(),
          p.seconds());
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "%-38s %14s %14s %20s %11s%n",
        "method",
        "mean Spearman",
        "top-1 agree",
        "top-1 = prompt source",
        "attributed");
    for (AttributionQualityBenchmark.MethodResult m : r.methods()) {
      if (!variants && AttributionQualityBenchmark.VARIANTS.contains(m.method())) {
        continue;
      }
      out.printf(
          Locale.ROOT,
          "%-38s %14.3f %14.3f %20.3f %11s%n",
          m.method(),
          m.meanSpearman(),
          m.top1(),
          m.topIsPromptSource(),
          m.attributed() + "/" + r.outputs());
    }
    out.printf(
        Locale.ROOT,
        "%-38s %14s %14s %20.3f%n",
        "leave-one-out itself",
        "",
        "",
        r.leaveOneOutVsSource().topIsPromptSource());
    if (!Double.isNaN(r.seedSpearman())) {
      out.printf(
          Locale.ROOT,
          "%-38s %14.3f %14.3f%n",
          "noise: seed " + o.seeds().get(0) + " vs seed " + o.seeds().get(1) + " leave-one-out",
          r.seedSpearman(),
          r.seedTop1());
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "cost: training %.1f s per run; influence store %.1f s for %d examples (%.0f s per"
            + " 1,000), %d bytes; generation %.1f ms per output, query sketch %.1f ms per"
            + " output (ratio %.2f); mean output loss %.3f; total %.0f s%n",
        r.trainSeconds(),
        r.storeSeconds(),
        r.trainingExamples(),
        r.storeSeconds() * 1000 / r.trainingExamples(),
        r.storeBytes(),
        r.generateMsPerOutput(),
        r.sketchMsPerOutput(),
        r.sketchMsPerOutput() / r.generateMsPerOutput(),
        r.fullLoss(),
        seconds);
    out.flush();
  }

  private Path tokenizerDir(Path corporaDir) {
    switch (tokenizer) {
      case "bytes":
        return null;
      case "llama2":
        Path dir = corporaDir.toAbsolutePath().getParent().resolveSibling("tokenizer");
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
          throw new IllegalArgumentException(
              "the llama2 tokenizer is not at " + dir + " (written by the build next to corpora/)");
        }
        return dir;
      default:
        throw new IllegalArgumentException("--tokenizer must be llama2 or bytes, got " + tokenizer);
    }
  }

  /** The sources of a corpora directory that are not contributed, in name order. */
  static List<String> otherSources(Path corporaDir, List<String> contributed) throws IOException {
    try (var files = Files.list(corporaDir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".txt"))
          .map(n -> n.substring(0, n.length() - ".txt".length()))
          .filter(n -> !contributed.contains(n))
          .sorted()
          .toList();
    }
  }

  /** corpora/attribution next to the running code (the CLI's lib directory or build classes). */
  static Path defaultCorpora() {
    return DemoCorpora.find()
        .map(dir -> dir.resolve("attribution"))
        .filter(Files::isDirectory)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "benchmark corpora not found next to the CLI; build with ./mvnw -B -q"
                        + " -DskipTests package or pass --corpora"));
  }
}
