package io.payable.loadgen;

import java.util.Set;

/**
 * A generated model output and its ground truth.
 *
 * @param contributors the contributors whose passages were copied into the text (empty: none)
 */
public record PlantedOutput(String text, Set<String> contributors) {

  public PlantedOutput {
    contributors = Set.copyOf(contributors);
  }
}
