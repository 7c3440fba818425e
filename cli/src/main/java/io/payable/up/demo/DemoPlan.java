package io.payable.up.demo;

import com.google.common.base.Preconditions;
import java.time.Duration;
import java.util.List;

/**
 * The size of a demo cycle: which Datanets, how much text each gets, how long each adapter trains,
 * and how the consumers send their requests. The default is sized so that the whole cycle, training
 * included, fits in a few minutes on two CPU cores while the adapters still reproduce contributed
 * passages.
 *
 * @param datanets demo Datanet names (see {@link DemoCorpora#FILES})
 * @param hybridDatanets those of {@code datanets} whose adapter is attributed by the {@code hybrid}
 *     method (docs/attribution.md, V2.7: spans and gradient influence); the others by {@code spans}
 * @param passagesPerDatanet contributions submitted to each Datanet
 * @param trainingSteps optimizer steps of each adapter
 * @param seqLen tokens per packed training sequence; each contribution is the beginning of a corpus
 *     passage of exactly this many tokens
 * @param consumers simulated applications, each with its own key and deposit
 * @param maxTokens tokens each request may generate
 * @param requestInterval pause between two requests of one consumer
 * @param epoch settlement epoch length of the demo chain
 */
public record DemoPlan(
    List<String> datanets,
    List<String> hybridDatanets,
    int passagesPerDatanet,
    int trainingSteps,
    int seqLen,
    int consumers,
    int maxTokens,
    Duration requestInterval,
    Duration epoch) {

  public DemoPlan {
    datanets = List.copyOf(datanets);
    hybridDatanets = List.copyOf(hybridDatanets);
    Preconditions.checkArgument(!datanets.isEmpty(), "name at least one demo Datanet");
    for (String d : datanets) {
      Preconditions.checkArgument(DemoCorpora.FILES.containsKey(d), "no demo corpus for %s", d);
    }
    for (String d : hybridDatanets) {
      Preconditions.checkArgument(datanets.contains(d), "hybrid Datanet %s is not in the plan", d);
    }
    Preconditions.checkArgument(passagesPerDatanet >= 2, "at least two passages per Datanet");
    Preconditions.checkArgument(seqLen >= 32, "at least 32 tokens per passage");
    Preconditions.checkArgument(trainingSteps >= 1, "at least one training step");
    Preconditions.checkArgument(
        consumers >= 1 && consumers <= DemoChain.CONSUMERS,
        "1 to %s consumers",
        DemoChain.CONSUMERS);
    Preconditions.checkArgument(maxTokens >= 8, "at least 8 tokens per request");
  }

  /**
   * What {@code payable up} runs: the three demo Datanets, one adapter each; Moby-Dick's adapter is
   * attributed by the hybrid method, the others by spans.
   */
  public static DemoPlan defaults(Duration epoch) {
    return new DemoPlan(
        List.copyOf(DemoCorpora.FILES.keySet()),
        List.of("moby-dick"),
        8,
        40,
        64,
        3,
        32,
        Duration.ofMillis(700),
        epoch);
  }

  /** This plan with other Datanets; those of them that were hybrid stay hybrid. */
  public DemoPlan withDatanets(List<String> names) {
    return new DemoPlan(
        names,
        hybridDatanets.stream().filter(names::contains).toList(),
        passagesPerDatanet,
        trainingSteps,
        seqLen,
        consumers,
        maxTokens,
        requestInterval,
        epoch);
  }

  /** This plan with another number of training steps per adapter. */
  public DemoPlan withTrainingSteps(int steps) {
    return new DemoPlan(
        datanets,
        hybridDatanets,
        passagesPerDatanet,
        steps,
        seqLen,
        consumers,
        maxTokens,
        requestInterval,
        epoch);
  }

  /** The attribution method of the adapter trained on {@code datanet}: hybrid or spans. */
  public String methodOf(String datanet) {
    return hybridDatanets.contains(datanet) ? "hybrid" : "spans";
  }

  /** The adapter trained on {@code datanet}. */
  public static String adapterOf(String datanet) {
    return datanet + "-qa";
  }
}
