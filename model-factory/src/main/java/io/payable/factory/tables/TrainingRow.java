package io.payable.factory.tables;

import java.time.Instant;
import java.util.List;

/** One row of {@code model_trainings}: a finished run. */
public record TrainingRow(
    String runId,
    String adapterName,
    String registryKey,
    String baseModelId,
    String baseModelSha256,
    List<String> datanetIds,
    long contributionsSnapshotId,
    Long eventsSnapshotId,
    String trainingSetRoot,
    int trainingSetCount,
    int excludedCount,
    String artifactSha256,
    String manifestSha256,
    String attributionMethod,
    int steps,
    long seed,
    Double finalLoss,
    Double finalEvalLoss,
    long tokensSeen,
    long wallTimeMs,
    String hyperparameters,
    String txHash,
    Long blockNumber,
    Instant startedAt,
    Instant finishedAt) {

  public TrainingRow {
    datanetIds = List.copyOf(datanetIds);
  }
}
