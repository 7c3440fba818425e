package io.payable.models.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a finished run produced.
 *
 * @param adapterDir the adapter in PEFT layout ({@code adapter_config.json}, {@code
 *     adapter_model.safetensors})
 * @param losses the training loss of every optimizer step, resumed steps included
 * @param evalCurve eval losses by step, resumed steps included; empty without an eval split
 * @param tokensSeen input tokens trained on over the whole run
 * @param wallTime wall time of the whole run, resumed parts included
 * @param resumedFromStep the checkpoint step this process started from, 0 for a fresh run
 */
public record TrainingResult(
    Path adapterDir,
    List<Double> losses,
    List<EvalPoint> evalCurve,
    long tokensSeen,
    Duration wallTime,
    int resumedFromStep) {

  public TrainingResult {
    losses = List.copyOf(losses);
    evalCurve = List.copyOf(evalCurve);
  }

  /** The last eval loss, or NaN without an eval split. */
  public double finalEvalLoss() {
    return evalCurve.isEmpty() ? Double.NaN : evalCurve.get(evalCurve.size() - 1).loss();
  }
}
