package io.payable.factory.run;

import io.payable.factory.chain.AttributionMethod;
import io.payable.models.train.LoraTrainingConfig;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A training run as asked for.
 *
 * @param baseModelId the base model's name in the manifest; null: the directory's name
 * @param adapterName the adapter's name (its registry key is keccak-256 of it); null: the run id
 * @param epochs passes over the training split; when set, the step count follows from it and {@code
 *     config.steps()} is ignored
 * @param runId resume this run (its checkpoints); null: a new run
 */
public record TrainingRequest(
    Path baseDir,
    String baseModelId,
    List<String> datanetIds,
    String adapterName,
    LoraTrainingConfig config,
    Integer epochs,
    double evalFraction,
    AttributionMethod method,
    BigInteger pricePerToken,
    String runId) {

  public TrainingRequest {
    Objects.requireNonNull(baseDir, "baseDir");
    datanetIds = List.copyOf(datanetIds);
    Objects.requireNonNull(config, "config");
    method = method == null ? AttributionMethod.SPANS : method;
    pricePerToken = pricePerToken == null ? BigInteger.ZERO : pricePerToken;
  }
}
