package io.payable.attribution.gradient;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gradient part of an event's attribution (docs/attribution.md, V2.6): the contributors' raw
 * weights (positive influence of live pieces, ascending address) and the top training examples.
 *
 * @param audited whether the job recomputed the event's sketch (V2.8)
 */
public record GradientResult(
    Map<String, Double> rawWeights, List<Influence> influences, boolean audited)
    implements Serializable {

  public GradientResult {
    // A TreeMap (ascending address) rather than an unmodifiable view: Kryo rebuilds maps with put.
    rawWeights = new TreeMap<>(rawWeights);
    influences = List.copyOf(influences);
  }
}
