package io.payable.models.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.payable.models.CausalLm;
import io.payable.models.Engines;
import io.payable.models.LoadOptions;
import io.payable.models.ModelConfig;
import io.payable.models.PeftAdapter;
import io.payable.models.Segment;
import io.payable.models.Sequence;
import io.payable.models.SyntheticCheckpoints;
import io.payable.models.text.TextTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The memorisation benchmark of the LoRA trainer, the property the end-to-end demo relies on: 20
 * passages of 128 tokens of the demo corpora (llama2 tokenizer), a random-initialised 4-layer
 * 128-wide Llama base with the llama2 vocabulary, rank 16 on all seven projections, batch 8, 300
 * steps; then greedy continuations of 32 tokens from each passage's first 32 tokens are compared
 * with the passage. Prints the step time and the share of matching tokens.
 *
 * <p>Usage: {@code MemorisationBenchmark CORPORA_DIR LLAMA2_TOKENIZER_DIR WORK_DIR [THREADS]},
 * where CORPORA_DIR holds the demo's {@code moby-dick.txt}, {@code sotu.txt} and {@code brown.txt}
 * (one passage per line). A benchmark command, not a test: its output goes to standard output.
 */
public final class MemorisationBenchmark {
  static final int PASSAGES = 20;
  static final int LENGTH = 128;
  static final int PROMPT = 32;
  static final int CONTINUATION = 32;

  private MemorisationBenchmark() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println(
          "usage: MemorisationBenchmark CORPORA_DIR LLAMA2_TOKENIZER_DIR WORK_DIR [THREADS]");
      System.exit(2);
    }
    Path corpora = Path.of(args[0]);
    Path tokenizerDir = Path.of(args[1]);
    Path work = Path.of(args[2]);
    String threads = args.length > 3 ? args[3] : "2";
    System.setProperty("ai.djl.pytorch.num_threads", threads);
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");

    RunCheckpoints.deleteTree(work);
    Path base = work.resolve("base");
    SyntheticCheckpoints.writeBase(
        base, new SyntheticCheckpoints.Spec(32000, 128, 512, 4, 4, 4, 256), 1);
    for (String f : List.of(TextTokenizer.FILE, TextTokenizer.CONFIG)) {
      Files.copy(tokenizerDir.resolve(f), base.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    List<int[]> passages = passages(corpora, base);

    List<TrainingSequence> train = new ArrayList<>();
    for (int[] p : passages) {
      train.add(TrainingSequence.of(p));
    }
    LoraTrainingConfig cfg =
        LoraTrainingConfig.builder()
            .rank(16)
            .alpha(32)
            .learningRate(2e-3)
            .warmupSteps(10)
            .schedule(LrSchedule.CONSTANT)
            .batchSize(8)
            .steps(300)
            .seqLen(LENGTH)
            .seed(1)
            .checkpointEvery(0)
            .build();
    java.lang.management.OperatingSystemMXBean osBean =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) osBean;
    long[] stepStart = {System.nanoTime()};
    long[] cpuStart = {os.getProcessCpuTime()};
    double[] steady = {0};
    double[] steadyCpu = {0};
    TrainingListener progress =
        new TrainingListener() {
          @Override
          public void onStep(StepProgress p) {
            long now = System.nanoTime();
            long cpu = os.getProcessCpuTime();
            if (p.step() > 10) {
              steady[0] += (now - stepStart[0]) / 1e9;
              steadyCpu[0] += (cpu - cpuStart[0]) / 1e9;
            }
            stepStart[0] = now;
            cpuStart[0] = cpu;
            if (p.step() % 25 == 0) {
              System.out.printf(
                  Locale.ROOT, "step %d/%d loss %.4f%n", p.step(), p.totalSteps(), p.loss());
            }
          }
        };
    TrainingResult result =
        LoraTrainer.on(Device.cpu())
            .train(base, train, List.of(), cfg, work.resolve("run"), progress, () -> false);
    double perStep = steady[0] / (cfg.steps() - 10);
    double cpuPerStep = steadyCpu[0] / (cfg.steps() - 10);

    int matched = greedyMatches(base, result.adapterDir(), passages);
    int total = PASSAGES * CONTINUATION;
    System.out.printf(
        Locale.ROOT,
        "threads %s; steps %d; wall %.1f s; mean step (steps 11-%d) %.3f s wall, %.3f s CPU;"
            + " final loss %.4f%n",
        threads,
        cfg.steps(),
        result.wallTime().toMillis() / 1e3,
        cfg.steps(),
        perStep,
        cpuPerStep,
        result.losses().get(result.losses().size() - 1));
    System.out.printf(
        Locale.ROOT,
        "memorisation: %d of %d continuation tokens match (%.1f%%)%n",
        matched,
        total,
        100.0 * matched / total);
  }

  /**
   * The first {@value #PASSAGES} passages of at least {@value #LENGTH} tokens, taken in turn from
   * moby-dick, sotu and brown, cut to {@value #LENGTH} tokens (no special tokens).
   */
  static List<int[]> passages(Path corpora, Path base) throws IOException {
    List<List<String>> files = new ArrayList<>();
    for (String f : List.of("moby-dick.txt", "sotu.txt", "brown.txt")) {
      files.add(Files.readAllLines(corpora.resolve(f), StandardCharsets.UTF_8));
    }
    List<int[]> out = new ArrayList<>();
    int[] next = new int[files.size()];
    try (TextTokenizer tok = TextTokenizer.load(base)) {
      for (int turn = 0; out.size() < PASSAGES; turn++) {
        int f = turn % files.size();
        List<String> lines = files.get(f);
        while (next[f] < lines.size()) {
          int[] ids = tok.encode(lines.get(next[f]++), false);
          if (ids.length >= LENGTH) {
            int[] cut = new int[LENGTH];
            System.arraycopy(ids, 0, cut, 0, LENGTH);
            out.add(cut);
            break;
          }
        }
        if (turn > 10 * PASSAGES * files.size()) {
          throw new IllegalArgumentException(
              corpora + ": too few passages of " + LENGTH + " tokens");
        }
      }
    }
    return out;
  }

  /** Greedy continuations through the serving path (CausalLm with the adapter in a slot). */
  static int greedyMatches(Path base, Path adapterDir, List<int[]> passages) {
    int matched = 0;
    try (NDManager m = Engines.newManager(Device.cpu());
        CausalLm lm = CausalLm.load(base, m, LoadOptions.cpu(1, 16))) {
      ModelConfig config = lm.config();
      lm.writeSlot(0, PeftAdapter.read(adapterDir, config));
      List<Sequence> seqs = new ArrayList<>();
      List<Segment> step = new ArrayList<>();
      for (int[] p : passages) {
        Sequence s = lm.newSequence();
        seqs.add(s);
        int[] prompt = new int[PROMPT];
        System.arraycopy(p, 0, prompt, 0, PROMPT);
        step.add(new Segment(s, prompt, 0));
      }
      for (int t = 0; t < CONTINUATION; t++) {
        float[][] logits = lm.forward(step, false);
        step = new ArrayList<>();
        for (int i = 0; i < passages.size(); i++) {
          int next = argmax(logits[i]);
          if (next == passages.get(i)[PROMPT + t]) {
            matched++;
          }
          step.add(new Segment(seqs.get(i), new int[] {next}, 0));
        }
      }
      seqs.forEach(Sequence::close);
    }
    return matched;
  }

  private static int argmax(float[] row) {
    int best = 0;
    for (int i = 1; i < row.length; i++) {
      if (row[i] > row[best]) {
        best = i;
      }
    }
    return best;
  }
}
