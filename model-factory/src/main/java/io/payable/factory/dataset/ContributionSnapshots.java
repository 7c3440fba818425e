package io.payable.factory.dataset;

import io.payable.factory.FactoryException;
import io.payable.ingest.sink.IngestTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Reads the live contributions of Datanets at pinned Iceberg snapshots (time travel): the dataset
 * rule of docs/model-factory.md. The same reader serves a run (pinning the current snapshots) and
 * {@code payable models verify} (reading the snapshots a manifest names), so both apply one rule.
 */
public final class ContributionSnapshots {

  /** Withdrawals, flags and disputes of contributions; written by the ingest job when present. */
  public static final TableIdentifier EVENTS =
      TableIdentifier.of(IngestTables.NAMESPACE, "contribution_events");

  /** Event types that take a contribution out of every later dataset. */
  public static final Set<String> EXCLUDING_EVENTS = Set.of("withdrawn", "flag_upheld");

  public static final String NO_CONTENT = "no_content";

  private final Catalog catalog;

  public ContributionSnapshots(Catalog catalog) {
    this.catalog = catalog;
  }

  /** The current snapshots of the contributions table and, where it exists, the events table. */
  public Pins current() {
    if (!catalog.tableExists(IngestTables.CONTRIBUTIONS)) {
      throw new FactoryException(
          "empty_dataset", IngestTables.CONTRIBUTIONS + " does not exist: nothing ingested yet");
    }
    Snapshot contributions = catalog.loadTable(IngestTables.CONTRIBUTIONS).currentSnapshot();
    if (contributions == null) {
      throw new FactoryException(
          "empty_dataset", IngestTables.CONTRIBUTIONS + " has no snapshot: nothing ingested yet");
    }
    Optional<SnapshotPin> events = Optional.empty();
    if (catalog.tableExists(EVENTS)) {
      Snapshot s = catalog.loadTable(EVENTS).currentSnapshot();
      if (s != null) {
        events = Optional.of(new SnapshotPin(EVENTS.toString(), s.snapshotId()));
      }
    }
    return new Pins(
        new SnapshotPin(IngestTables.CONTRIBUTIONS.toString(), contributions.snapshotId()), events);
  }

  /** Snapshots to read: the contributions table's, and the events table's when it had one. */
  public record Pins(SnapshotPin contributions, Optional<SnapshotPin> events) {}

  /** The live contributions of {@code datanetIds} as of {@code pins}. */
  public LiveContributions read(List<String> datanetIds, Pins pins) {
    List<String> ids =
        datanetIds.stream().map(ContributionSnapshots::normalise).distinct().toList();
    Table table = catalog.loadTable(IngestTables.CONTRIBUTIONS);
    long snapshot = pins.contributions().snapshotId();
    if (table.snapshot(snapshot) == null) {
      throw new FactoryException(
          "unknown_snapshot",
          IngestTables.CONTRIBUTIONS + " has no snapshot " + snapshot + " (expired?)");
    }
    boolean hasContent =
        table.schemas().get(table.snapshot(snapshot).schemaId()) != null
            && table.schemas().get(table.snapshot(snapshot).schemaId()).findField("content")
                != null;
    Expression filter = Expressions.in("datanet_id", ids.toArray());
    Map<String, Contribution> rows = new TreeMap<>();
    try (CloseableIterable<Record> it =
        IcebergGenerics.read(table).useSnapshot(snapshot).where(filter).build()) {
      for (Record r : it) {
        String datanet = ((String) r.getField("datanet_id")).toLowerCase(Locale.ROOT);
        if (!ids.contains(datanet)) {
          continue;
        }
        Contribution c =
            new Contribution(
                (String) r.getField("contribution_id"),
                datanet,
                (String) r.getField("contributor"),
                (String) r.getField("content_hash"),
                hasContent ? (String) r.getField("content") : null);
        rows.put(c.contributionId(), c);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> excludedBy = excludingEvents(ids, pins.events());
    List<Contribution> live = new ArrayList<>();
    List<Exclusion> excluded = new ArrayList<>();
    for (Contribution c : rows.values()) {
      String event = excludedBy.get(c.contributionId());
      if (event != null) {
        excluded.add(new Exclusion(c.contributionId(), c.datanetId(), event));
      } else if (c.content() == null) {
        excluded.add(new Exclusion(c.contributionId(), c.datanetId(), NO_CONTENT));
      } else {
        live.add(c);
      }
    }
    live.sort(Comparator.comparing(Contribution::contributionId));
    excluded.sort(Comparator.comparing(Exclusion::contributionId));
    return new LiveContributions(ids, pins.contributions(), pins.events(), live, excluded);
  }

  /**
   * Contribution id -> its excluding event type as of the pin (the alphabetically first when it has
   * several), for the contributions of the Datanets {@code ids} (normalised).
   */
  public Map<String, String> excludingEvents(List<String> ids, Optional<SnapshotPin> pin) {
    Map<String, String> out = new HashMap<>();
    if (pin.isEmpty()) {
      return out;
    }
    Table events = catalog.loadTable(EVENTS);
    long snapshot = pin.get().snapshotId();
    if (events.snapshot(snapshot) == null) {
      throw new FactoryException(
          "unknown_snapshot", EVENTS + " has no snapshot " + snapshot + " (expired?)");
    }
    try (CloseableIterable<Record> it =
        IcebergGenerics.read(events)
            .useSnapshot(snapshot)
            .where(Expressions.in("event_type", EXCLUDING_EVENTS.toArray()))
            .build()) {
      for (Record r : it) {
        String type = (String) r.getField("event_type");
        String datanet = String.valueOf(r.getField("datanet_id")).toLowerCase(Locale.ROOT);
        if (EXCLUDING_EVENTS.contains(type) && ids.contains(datanet)) {
          out.merge(
              (String) r.getField("contribution_id"), type, (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Datanet ids are 0x-hex bytes32, compared in lower case. */
  public static String normalise(String datanetId) {
    String id = datanetId.trim().toLowerCase(Locale.ROOT);
    if (!id.matches("0x[0-9a-f]{64}")) {
      throw new FactoryException(
          "bad_datanet_id", "Datanet id " + datanetId + " is not 0x followed by 64 hex digits");
    }
    return id;
  }
}
