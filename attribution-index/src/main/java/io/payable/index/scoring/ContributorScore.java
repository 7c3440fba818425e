package io.payable.index.scoring;

/**
 * A contributor's attribution for one output.
 *
 * @param contributor contributor address
 * @param rawWeight summed information content credited to the contributor (nats)
 * @param share fraction of the output's attribution, after the threshold and renormalisation
 */
public record ContributorScore(String contributor, double rawWeight, double share) {}
