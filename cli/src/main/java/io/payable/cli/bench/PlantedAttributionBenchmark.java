package io.payable.cli.bench;

import ai.djl.Device;
import io.payable.attribution.gradient.GradientResult;
import io.payable.attribution.gradient.InfluenceScoring;
import io.payable.attribution.params.AttributionParams;
import io.payable.attribution.split.FeeSplitParams;
import io.payable.attribution.split.FeeSplitter;
import io.payable.attribution.trace.AdapterInfo;
import io.payable.attribution.trace.EventAttributor;
import io.payable.contracts.client.ProtocolParameters;
import io.payable.index.query.ShardedIndex;
import io.payable.index.query.Span;
import io.payable.index.scoring.AttributionScorer;
import io.payable.index.scoring.ContributorScore;
import io.payable.index.scoring.V1Defaults;
import io.payable.index.shard.Document;
import io.payable.index.shard.IndexWriter;
import io.payable.index.tokenize.Tokenizers;
import io.payable.models.SyntheticCheckpoints;
import io.payable.models.influence.ExampleProvenance;
import io.payable.models.influence.InfluenceStore;
import io.payable.models.text.TextTokenizer;
import io.payable.models.train.InfluenceSketches;
import io.payable.models.train.LoraTrainer;
import io.payable.models.train.LoraTrainingConfig;
import io.payable.models.train.LrSchedule;
import io.payable.models.train.QuerySketcher;
import io.payable.models.train.TrainingListener;
import io.payable.models.train.TrainingSequence;
import io.payable.wire.inference.InferenceEvent;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The planted-passage benchmark of attribution v2 (docs/benchmarks.md): contributors of passages
 * from the demo corpora, one adapter trained on all of them by ModelFactory's trainer, and outputs
 * that are those passages with a fraction of their words swapped. Each output is attributed as the
 * attribution job does, by {@code spans}, {@code gradient} and {@code hybrid} (the job's {@link
 * InfluenceScoring} and {@link EventAttributor}: same thresholds, renormalisation and mix), and
 * scored by whether its planted contributor is credited ({@link PlantedScore}).
 */
public final class PlantedAttributionBenchmark {
  /** The demo corpora (one passage per line). */
  static final List<String> CORPORA = List.of("moby-dick.txt", "sotu.txt", "brown.txt");

  /** The methods, in report order. */
  static final List<String> METHODS =
      List.of(AdapterInfo.SPANS, AdapterInfo.GRADIENT, AdapterInfo.HYBRID);

  /** What every output is generated from: a prompt that names no source. */
  static final String PROMPT = "Write a passage.\n";

  private static final String DATANET = "planted";
  private static final BigInteger FEE = BigInteger.valueOf(1_000_000_007L);

  private PlantedAttributionBenchmark() {}

  /**
   * What to run.
   *
   * @param slices contributors per corpus (three corpora)
   * @param passages passages per contributor: its contributions, each one training example and one
   *     planted output per swap rate
   * @param passageTokens longest passage, in tokens of the base model's (byte-level) tokenizer
   * @param gradientThresholdBps the threshold on gradient shares ({@code gradient_threshold_bps},
   *     V2.6 step 4) of the reported rows
   * @param mixes the hybrid mixing weights ({@code hybrid_gradient_bps}) of the sweep
   * @param thresholds the thresholds ({@code threshold_bps}) of the sweep
   * @param gradientThresholds the thresholds on gradient shares ({@code gradient_threshold_bps}) of
   *     the sweep (0: none)
   */
  public record Config(
      Path corpora,
      Path work,
      int slices,
      int passages,
      int passageTokens,
      int steps,
      List<Double> swapRates,
      long seed,
      int thresholdBps,
      int hybridGradientBps,
      int gradientThresholdBps,
      List<Integer> mixes,
      List<Integer> thresholds,
      List<Integer> gradientThresholds) {
    public Config {
      if (slices < 1 || passages < 1 || passageTokens < 16 || steps < 1) {
        throw new IllegalArgumentException(
            "slices, passages and steps must be positive, passage tokens at least 16");
      }
      swapRates = List.copyOf(swapRates);
      mixes = List.copyOf(mixes);
      thresholds = List.copyOf(thresholds);
      gradientThresholds = List.copyOf(gradientThresholds);
    }
  }

  /**
   * One method at one swap rate.
   *
   * @param hybridGradientBps the mixing weight (hybrid rows)
   * @param gradientThresholdBps gradient shares below this are dropped before a gradient split or a
   *     hybrid mix (gradient and hybrid rows; 0: none)
   */
  public record Row(
      double swapRate,
      String method,
      int hybridGradientBps,
      int thresholdBps,
      int gradientThresholdBps,
      PlantedScore score) {
    /** This setting at a swap rate, with an empty score. */
    Row at(double rate) {
      return new Row(
          rate, method, hybridGradientBps, thresholdBps, gradientThresholdBps, new PlantedScore());
    }
  }

  /**
   * The figures.
   *
   * @param rows every method at every swap rate, with the config's thresholds and mixing weight
   * @param sweep gradient and hybrid at every swap rate, threshold, threshold on gradient shares
   *     and mixing weight of the sweep
   */
  public record Result(
      int contributors,
      int trainingExamples,
      int storeDimension,
      long storeBytes,
      double trainSeconds,
      double storeSeconds,
      double sketchMillisPerOutput,
      List<Row> rows,
      List<Row> sweep) {}

  /** A contributor and its passages (the text indexed, trained on and planted). */
  record Contributor(String address, int corpus, List<String> passages) {}

  public static Result run(Config config) throws IOException {
    Files.createDirectories(config.work());
    Path base = config.work().resolve("base");
    // A random-weight Llama with a byte-level tokenizer: whatever the adapter knows of the
    // passages comes from training on them. Context: prompt and longest passage.
    SyntheticCheckpoints.writeBase(
        base,
        new SyntheticCheckpoints.Spec(
            SyntheticCheckpoints.TOKENIZER_VOCAB, 64, 128, 2, 4, 2, 2 * config.passageTokens()),
        1);

    List<Contributor> contributors = new ArrayList<>();
    List<List<String>> pools = new ArrayList<>();
    List<TrainingSequence> sequences = new ArrayList<>();
    List<ExampleProvenance> provenance = new ArrayList<>();
    int[] prompt;
    try (TextTokenizer tok = TextTokenizer.load(base)) {
      prompt = tok.encode(PROMPT, false);
      for (int c = 0; c < CORPORA.size(); c++) {
        List<String> lines =
            Files.readAllLines(config.corpora().resolve(CORPORA.get(c)), StandardCharsets.UTF_8)
                .stream()
                .filter(l -> l.length() > config.passageTokens())
                .toList();
        // Slices of the corpus for the contributors; the replacement words come from its end,
        // which no contributor holds.
        int slice = lines.size() / (config.slices() + 1);
        if (slice < config.passages()) {
          throw new IllegalArgumentException(
              CORPORA.get(c) + " has too few passages for " + config.slices() + " slices");
        }
        for (int s = 0; s < config.slices(); s++) {
          List<String> passages = new ArrayList<>();
          for (int p = 0; p < config.passages(); p++) {
            passages.add(fit(tok, lines.get(s * slice + p), config.passageTokens()));
          }
          contributors.add(
              new Contributor(String.format("0x%040x", 0x100 * (c + 1) + s), c, passages));
        }
        List<String> pool = new ArrayList<>();
        for (String line : lines.subList(config.slices() * slice, lines.size())) {
          for (String w : line.trim().split("\\s+")) {
            pool.add(w);
          }
          if (pool.size() >= 10_000) {
            break;
          }
        }
        pools.add(pool);
      }
      for (Contributor x : contributors) {
        for (int p = 0; p < x.passages().size(); p++) {
          int[] tokens = tok.encode(x.passages().get(p), false);
          sequences.add(TrainingSequence.of(tokens));
          provenance.add(
              new ExampleProvenance(
                  List.of(
                      new ExampleProvenance.Piece(
                          contributionId(x, p), x.address(), tokens.length - 1))));
        }
      }
    }

    // The span index of the adapter's Datanet, with the job's default tokenizer.
    Path indexDir = config.work().resolve("index");
    try (IndexWriter w =
        IndexWriter.builder(indexDir, Tokenizers.byId(Tokenizers.DEFAULT_ID)).build()) {
      for (Contributor x : contributors) {
        for (int p = 0; p < x.passages().size(); p++) {
          w.add(new Document(contributionId(x, p), DATANET, x.address(), x.passages().get(p)));
        }
      }
    }

    LoraTrainingConfig cfg =
        LoraTrainingConfig.builder()
            .rank(8)
            .alpha(16)
            .learningRate(5e-3)
            .warmupSteps(5)
            .schedule(LrSchedule.CONSTANT)
            .batchSize(4)
            .steps(config.steps())
            .seqLen(config.passageTokens())
            .seed(config.seed())
            .checkpointEvery(0)
            .build();
    long t0 = System.nanoTime();
    Path adapter =
        LoraTrainer.on(Device.cpu())
            .train(
                base,
                sequences,
                List.of(),
                cfg,
                config.work().resolve("run"),
                new TrainingListener() {},
                () -> false)
            .adapterDir();
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    Path storeFile = config.work().resolve("influence-store.bin");
    t0 = System.nanoTime();
    InfluenceStore.Written written =
        InfluenceSketches.writeStore(
            base,
            adapter,
            cfg.toBuilder().dropout(0).build(),
            sequences,
            provenance,
            InfluenceSketches.DEFAULT_K,
            storeFile,
            Device.cpu());
    double storeSeconds = (System.nanoTime() - t0) / 1e9;

    AttributionParams params =
        new AttributionParams(
                new FeeSplitParams(7_000, 1_500, 1_000, 500),
                config.thresholdBps(),
                V1Defaults.MIN_SPAN_TOKENS,
                V1Defaults.MAX_OCCURRENCES,
                3_600_000)
            .withGradient(
                config.hybridGradientBps(),
                ProtocolParameters.DEFAULT_SKETCH_AUDIT_BPS,
                ProtocolParameters.DEFAULT_SKETCH_TOLERANCE_BPS,
                config.gradientThresholdBps());
    // What is reported: every method at the config's parameters, then the sweep.
    List<Row> settings = new ArrayList<>();
    for (String method : METHODS) {
      settings.add(
          new Row(
              0,
              method,
              params.hybridGradientBps(),
              params.thresholdBps(),
              method.equals(AdapterInfo.SPANS) ? 0 : params.gradientThresholdBps(),
              null));
    }
    List<Row> sweepSettings = new ArrayList<>();
    for (int threshold : config.thresholds()) {
      for (int g : config.gradientThresholds()) {
        sweepSettings.add(new Row(0, AdapterInfo.GRADIENT, 0, threshold, g, null));
        for (int mu : config.mixes()) {
          sweepSettings.add(new Row(0, AdapterInfo.HYBRID, mu, threshold, g, null));
        }
      }
    }
    Map<Integer, EventAttributor> attributors = new LinkedHashMap<>();
    Stream.concat(settings.stream(), sweepSettings.stream())
        .forEach(
            s ->
                attributors.computeIfAbsent(
                    s.thresholdBps(),
                    t ->
                        new EventAttributor(
                            params.spanParams(),
                            new AttributionScorer(t),
                            new FeeSplitter(params.feeSplit(), "0x" + "9f".repeat(20)),
                            params.epochLengthMillis())));

    List<Row> rows = new ArrayList<>();
    List<Row> sweep = new ArrayList<>();
    long sketchNanos = 0;
    int sketches = 0;
    InfluenceScoring scoring = new InfluenceScoring(InfluenceStore.open(storeFile));
    try (QuerySketcher sketcher =
            QuerySketcher.open(base, adapter, InfluenceSketches.DEFAULT_K, Device.cpu());
        ShardedIndex index = ShardedIndex.open(indexDir);
        TextTokenizer tok = TextTokenizer.load(base)) {
      for (int r = 0; r < config.swapRates().size(); r++) {
        double rate = config.swapRates().get(r);
        List<Row> atRate = new ArrayList<>();
        settings.forEach(x -> atRate.add(x.at(rate)));
        List<Row> sweepAtRate = new ArrayList<>();
        sweepSettings.forEach(x -> sweepAtRate.add(x.at(rate)));
        // Seeded by the rate, so a rate gets the same outputs whatever the other rates.
        Random random = new Random(config.seed() * 1_000_003 + Math.round(rate * 10_000));
        for (Contributor x : contributors) {
          for (int p = 0; p < x.passages().size(); p++) {
            String output =
                WordSwaps.swap(x.passages().get(p), rate, pools.get(x.corpus()), random);
            long s0 = System.nanoTime();
            float[] q = sketcher.sketch(prompt, tok.encode(output, false));
            sketchNanos += System.nanoTime() - s0;
            sketches++;
            // As the job: the gradient part from the scorer, spans from the index, then the
            // merge's attribution by the adapter's method.
            GradientResult gradient = scoring.score(q, null, false);
            List<Span> spans = index.maximalSpans(output, params.spanParams());
            InferenceEvent event = event(contributionId(x, p) + "@" + rate, output);
            for (Row row : Stream.concat(atRate.stream(), sweepAtRate.stream()).toList()) {
              List<ContributorScore> shares =
                  attributors
                      .get(row.thresholdBps())
                      .attribute(
                          event,
                          "0x" + "0b".repeat(20),
                          adapter(row.method()),
                          spans,
                          gradient,
                          row.hybridGradientBps(),
                          row.gradientThresholdBps(),
                          d -> 1)
                      .scores();
              row.score().add(shares, x.address());
            }
          }
        }
        rows.addAll(atRate);
        sweep.addAll(sweepAtRate);
      }
    }
    return new Result(
        contributors.size(),
        sequences.size(),
        written.dimension(),
        written.bytes(),
        trainSeconds,
        storeSeconds,
        sketchNanos / 1e6 / Math.max(1, sketches),
        rows,
        sweep);
  }

  private static AdapterInfo adapter(String method) {
    return new AdapterInfo("planted", "0x" + "0e".repeat(20), List.of(DATANET), Map.of(), method);
  }

  private static String contributionId(Contributor x, int passage) {
    return x.address() + "/" + passage;
  }

  /** The longest prefix of whole words of {@code line} within {@code tokens} tokens. */
  static String fit(TextTokenizer tok, String line, int tokens) {
    String[] words = line.trim().split("\\s+");
    StringBuilder out = new StringBuilder();
    for (String w : words) {
      String next = out.length() == 0 ? w : out + " " + w;
      if (tok.encode(next, false).length > tokens) {
        break;
      }
      out.setLength(0);
      out.append(next);
    }
    if (out.length() == 0) {
      throw new IllegalArgumentException("a passage's first word is over " + tokens + " tokens");
    }
    return out.toString();
  }

  private static InferenceEvent event(String id, String output) {
    Instant done = Instant.parse("2026-01-01T00:00:00Z");
    return new InferenceEvent(
        id,
        "0x" + "0a".repeat(20),
        "planted-base",
        "planted",
        "1",
        "0x" + "0c".repeat(20),
        FEE,
        InferenceEvent.PriceBasis.PER_OUTPUT_TOKEN,
        FEE,
        output,
        1,
        1,
        done.minusMillis(200),
        done.minusMillis(150),
        done);
  }
}
