package io.payable.factory.dataset;

import java.util.List;
import java.util.Map;

/**
 * What a run trains and evaluates on, and where every token came from.
 *
 * @param source the live contributions at the pinned snapshots and what was excluded
 * @param train contributions of the training split, sorted by id: the leaves of the training-set
 *     root
 * @param eval contributions of the eval split, sorted by id
 * @param trainSequences packed training sequences
 * @param evalSequences packed eval sequences
 * @param tokensByContribution tokens of each contribution (training and eval)
 */
public record TrainingDataset(
    LiveContributions source,
    List<Contribution> train,
    List<Contribution> eval,
    List<PackedSequence> trainSequences,
    List<PackedSequence> evalSequences,
    Map<String, Integer> tokensByContribution) {

  public TrainingDataset {
    train = List.copyOf(train);
    eval = List.copyOf(eval);
    trainSequences = List.copyOf(trainSequences);
    evalSequences = List.copyOf(evalSequences);
    tokensByContribution = Map.copyOf(tokensByContribution);
  }

  public long trainTokens() {
    return trainSequences.stream().mapToLong(PackedSequence::length).sum();
  }
}
