package io.payable.attribution.gradient;

import java.io.Serializable;

/**
 * One piece of a top training example of an event (docs/attribution.md, V2.6 "Audit"): a row of
 * {@code attribution_influences}.
 *
 * @param rank 0 for the example with the highest score
 * @param example the example's index in the influence store
 * @param score the example's influence score
 */
public record Influence(
    int rank, long example, String contributionId, String contributor, double score)
    implements Serializable {}
