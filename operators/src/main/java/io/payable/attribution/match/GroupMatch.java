package io.payable.attribution.match;

import io.payable.attribution.intake.AttributionRequest;
import io.payable.index.query.PartialMatch;
import java.util.Map;

/**
 * One shard group's part of an event's attribution.
 *
 * @param groups how many groups answer for every event
 * @param datanetTokens tokens this group holds of each of the adapter's Datanets
 */
public record GroupMatch(
    AttributionRequest request,
    int group,
    int groups,
    PartialMatch partial,
    Map<String, Long> datanetTokens) {

  public GroupMatch {
    datanetTokens = Map.copyOf(datanetTokens);
  }

  public String eventId() {
    return request.eventId();
  }
}
