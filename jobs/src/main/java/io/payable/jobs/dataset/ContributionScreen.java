package io.payable.jobs.dataset;

import io.payable.factory.dataset.Contribution;
import io.payable.factory.dataset.ContributionSnapshots;
import io.payable.factory.dataset.DatasetEntry;
import io.payable.factory.dataset.Exclusion;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Applies the dataset rule to rows of {@code datanet_contributions} at the pinned snapshot: keeps
 * the rows of the run's Datanets, and sends those with an excluding event (looked up in the events
 * read at their own pin, small enough to ship with the function) or without content to {@link
 * #EXCLUDED}.
 */
final class ContributionScreen extends ProcessFunction<RowData, Contribution> {

  static final OutputTag<DatasetEntry> EXCLUDED = new OutputTag<DatasetEntry>("excluded") {};

  /** Positions of the columns read, in the table's schema. */
  record Columns(int id, int datanet, int contributor, int hash, int content)
      implements java.io.Serializable {}

  private final Set<String> datanets;
  private final Map<String, String> excludedBy;
  private final Columns columns;

  ContributionScreen(Set<String> datanets, Map<String, String> excludedBy, Columns columns) {
    this.datanets = Set.copyOf(datanets);
    this.excludedBy = Map.copyOf(excludedBy);
    this.columns = columns;
  }

  @Override
  public void processElement(RowData row, Context ctx, Collector<Contribution> out) {
    String datanet = string(row, columns.datanet()).toLowerCase(Locale.ROOT);
    if (!datanets.contains(datanet)) {
      return;
    }
    String id = string(row, columns.id());
    String event = excludedBy.get(id);
    String content = columns.content() < 0 ? null : string(row, columns.content());
    if (event != null || content == null) {
      ctx.output(
          EXCLUDED,
          DatasetEntry.excluded(
              new Exclusion(
                  id, datanet, event != null ? event : ContributionSnapshots.NO_CONTENT)));
      return;
    }
    out.collect(
        new Contribution(
            id, datanet, string(row, columns.contributor()), string(row, columns.hash()), content));
  }

  private static String string(RowData row, int pos) {
    return row.isNullAt(pos) ? null : row.getString(pos).toString();
  }
}
