package io.payable.attribution.gradient;

import java.io.Serializable;

/**
 * What the gradient scorer follows besides events: influence stores ({@code influence.manifest})
 * and tombstones ({@code index.manifest}, docs/attribution.md 9 and V2.6 step 3).
 */
public sealed interface ScorerBroadcast extends Serializable
    permits InfluenceStoreEvent, GradientTombstone {}
