package io.payable.factory.dataset;

import io.payable.factory.FactoryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a run's dataset in process: split the live contributions (seeded, by contribution),
 * tokenize each with the base model's tokenizer, pack each split into sequences of at most {@code
 * seqLen} tokens. Fine for Datanets that fit one machine; docs/model-factory.md describes the Flink
 * batch variant for larger ones.
 */
public final class DatasetBuilder {

  private final ContributionTokenizer tokenizer;
  private final int seqLen;
  private final double evalFraction;
  private final long seed;

  public DatasetBuilder(
      ContributionTokenizer tokenizer, int seqLen, double evalFraction, long seed) {
    this.tokenizer = tokenizer;
    this.seqLen = seqLen;
    this.evalFraction = evalFraction;
    this.seed = seed;
    if (!(evalFraction >= 0 && evalFraction < 1)) {
      throw new FactoryException(
          "bad_hyperparameter", "eval fraction must be in [0, 1), got " + evalFraction);
    }
    if (seqLen < 2) {
      throw new FactoryException("bad_hyperparameter", "seq len must be at least 2, got " + seqLen);
    }
  }

  public TrainingDataset build(LiveContributions source) {
    if (source.live().isEmpty()) {
      throw new FactoryException(
          "empty_dataset",
          "no live contribution with content in "
              + String.join(", ", source.datanetIds())
              + " at snapshot "
              + source.contributions().snapshotId()
              + (source.excluded().isEmpty()
                  ? ""
                  : " (" + source.excluded().size() + " excluded)"));
    }
    Set<String> evalIds =
        EvalSplit.evalIds(
            source.live().stream().map(Contribution::contributionId).toList(), evalFraction, seed);
    List<Contribution> train = new ArrayList<>();
    List<Contribution> eval = new ArrayList<>();
    List<TokenizedContribution> trainTokens = new ArrayList<>();
    List<TokenizedContribution> evalTokens = new ArrayList<>();
    Map<String, Integer> counts = new HashMap<>();
    for (Contribution c : source.live()) {
      TokenizedContribution t = new TokenizedContribution(c, tokenizer.tokens(c.content()));
      counts.put(c.contributionId(), t.length());
      if (evalIds.contains(c.contributionId())) {
        eval.add(c);
        evalTokens.add(t);
      } else {
        train.add(c);
        trainTokens.add(t);
      }
    }
    SequencePacker packer = new SequencePacker(seqLen);
    List<PackedSequence> trainSequences = packer.pack(trainTokens);
    if (trainSequences.isEmpty()) {
      throw new FactoryException(
          "empty_dataset", "the training split has fewer than 2 tokens: nothing to train on");
    }
    return new TrainingDataset(
        source, train, eval, trainSequences, packer.pack(evalTokens), counts);
  }
}
