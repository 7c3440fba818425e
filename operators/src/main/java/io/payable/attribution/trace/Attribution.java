package io.payable.attribution.trace;

import io.payable.attribution.gradient.Influence;
import io.payable.attribution.split.Payout;
import io.payable.index.query.Span;
import io.payable.index.scoring.ContributorScore;
import java.util.List;

/**
 * The attribution of one inference event: the maximal spans its output reproduces, the contributor
 * scores they give, and the exact split of its fee.
 *
 * @param epoch floor(done time / epoch length), the settlement epoch the payouts belong to
 * @param method the adapter's attribution method: {@code spans}, {@code gradient} or {@code hybrid}
 * @param influences the top training examples (gradient and hybrid; empty for spans)
 */
public record Attribution(
    String eventId,
    long epoch,
    List<Span> spans,
    List<ContributorScore> scores,
    List<Payout> payouts,
    String method,
    List<Influence> influences) {

  public Attribution {
    spans = List.copyOf(spans);
    scores = List.copyOf(scores);
    payouts = List.copyOf(payouts);
    influences = List.copyOf(influences);
  }

  /** A version 1 attribution (spans). */
  public Attribution(
      String eventId,
      long epoch,
      List<Span> spans,
      List<ContributorScore> scores,
      List<Payout> payouts) {
    this(eventId, epoch, spans, scores, payouts, AdapterInfo.SPANS, List.of());
  }

  public boolean attributed() {
    return !scores.isEmpty();
  }
}
