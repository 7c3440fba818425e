package io.payable.loadgen;

import java.util.Set;

/**
 * A generated model output and its ground truth.
 *
 * @param contributors the contributors whose passages were copied into the text (empty: none)
 * @param datanets the Datanets of the copied documents
 */
public record PlantedOutput(String text, Set<String> contributors, Set<String> datanets) {

  public PlantedOutput {
    contributors = Set.copyOf(contributors);
    datanets = Set.copyOf(datanets);
  }
}
