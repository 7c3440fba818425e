package io.payable.attribution.trace;

import io.payable.attribution.split.Payout;
import io.payable.index.query.Span;
import io.payable.index.scoring.ContributorScore;
import java.util.List;

/**
 * The attribution of one inference event: the maximal spans its output reproduces, the contributor
 * scores they give, and the exact split of its fee.
 *
 * @param epoch floor(done time / epoch length), the settlement epoch the payouts belong to
 */
public record Attribution(
    String eventId,
    long epoch,
    List<Span> spans,
    List<ContributorScore> scores,
    List<Payout> payouts) {

  public Attribution {
    spans = List.copyOf(spans);
    scores = List.copyOf(scores);
    payouts = List.copyOf(payouts);
  }

  public boolean attributed() {
    return !scores.isEmpty();
  }
}
