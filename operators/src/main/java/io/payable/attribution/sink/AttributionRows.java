package io.payable.attribution.sink;

import io.payable.attribution.gradient.Influence;
import io.payable.attribution.merge.AttributedEvent;
import io.payable.attribution.split.Payout;
import io.payable.attribution.split.PayoutRole;
import io.payable.index.query.Span;
import io.payable.index.query.SpanDocument;
import io.payable.index.scoring.ContributorScore;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.util.Collector;

/** Rows of the attribution tables, in the column order of {@link AttributionTables}. */
public final class AttributionRows {

  private AttributionRows() {}

  /** One row per payout of the event. */
  public static void attributions(AttributedEvent a, Collector<RowData> out) {
    var e = a.request().event();
    Map<String, Double> shares = new HashMap<>();
    for (ContributorScore s : a.attribution().scores()) {
      shares.put(s.contributor(), s.share());
    }
    for (Payout p : a.attribution().payouts()) {
      out.collect(
          GenericRowData.of(
              StringData.fromString(e.eventId()),
              TimestampData.fromEpochMillis(e.doneTime().toEpochMilli()),
              a.attribution().epoch(),
              StringData.fromString(e.modelId()),
              StringData.fromString(e.adapterId()),
              StringData.fromString(e.consumer()),
              StringData.fromString(e.workerId()),
              wei(e.feeWei()),
              StringData.fromString(p.recipient()),
              StringData.fromString(p.role().name().toLowerCase(Locale.ROOT)),
              p.role() == PayoutRole.CONTRIBUTOR ? shares.get(p.recipient()) : null,
              wei(p.amount()),
              a.attribution().attributed(),
              TimestampData.fromEpochMillis(a.attributedAt()),
              a.request().consumerCharged() == null ? null : wei(a.request().consumerCharged()),
              StringData.fromString(a.attribution().method())));
    }
  }

  /** One row per piece of each top training example (gradient and hybrid). */
  public static void influences(AttributedEvent a, Collector<RowData> out) {
    for (Influence i : a.attribution().influences()) {
      out.collect(
          GenericRowData.of(
              StringData.fromString(a.request().eventId()),
              a.attribution().epoch(),
              i.rank(),
              i.example(),
              StringData.fromString(i.contributionId()),
              StringData.fromString(i.contributor()),
              i.score()));
    }
  }

  /** One row per kept span. */
  public static void spans(AttributedEvent a, Collector<RowData> out) {
    for (Span s : a.attribution().spans()) {
      out.collect(
          GenericRowData.of(
              StringData.fromString(a.request().eventId()),
              a.attribution().epoch(),
              s.start(),
              s.end(),
              StringData.fromString(s.text()),
              s.count(),
              s.documentCount(),
              new GenericArrayData(
                  s.documents().stream()
                      .map(SpanDocument::contributor)
                      .distinct()
                      .map(StringData::fromString)
                      .toArray(StringData[]::new)),
              s.informationContent()));
    }
  }

  private static DecimalData wei(java.math.BigInteger amount) {
    return DecimalData.fromBigDecimal(new BigDecimal(amount), 38, 0);
  }
}
