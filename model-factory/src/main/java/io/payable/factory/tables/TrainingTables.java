package io.payable.factory.tables;

import io.payable.factory.dataset.Contribution;
import io.payable.factory.dataset.TrainingDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Reads and writes {@code model_trainings} and {@code training_contributions}. A run is complete
 * when it has its {@code model_trainings} row, written last; contribution rows of a run without one
 * belong to a run that failed after its dataset was recorded.
 */
public final class TrainingTables {

  private final Catalog catalog;

  public TrainingTables(Catalog catalog) {
    this.catalog = catalog;
  }

  /**
   * Records which contributions a run read, with their split and token counts; once per run (a
   * resumed run whose rows were written before it failed does not write them again).
   */
  public void appendContributions(String runId, TrainingDataset dataset) {
    FactoryTables.ensure(catalog);
    if (!contributions(runId).isEmpty()) {
      return;
    }
    Table table = catalog.loadTable(FactoryTables.TRAINING_CONTRIBUTIONS);
    List<Record> rows = new ArrayList<>();
    for (Contribution c : dataset.train()) {
      rows.add(contribution(table, runId, c, "train", dataset));
    }
    for (Contribution c : dataset.eval()) {
      rows.add(contribution(table, runId, c, "eval", dataset));
    }
    TableAppender.append(table, "training-contributions-" + runId, rows);
  }

  private static Record contribution(
      Table table, String runId, Contribution c, String split, TrainingDataset dataset) {
    GenericRecord r = GenericRecord.create(table.schema());
    r.setField("run_id", runId);
    r.setField("contribution_id", c.contributionId());
    r.setField("datanet_id", c.datanetId());
    r.setField("contributor", c.contributor());
    r.setField("content_hash", c.contentHash());
    r.setField("split", split);
    r.setField("tokens", dataset.tokensByContribution().getOrDefault(c.contributionId(), 0));
    return r;
  }

  public void appendTraining(TrainingRow row) {
    FactoryTables.ensure(catalog);
    Table table = catalog.loadTable(FactoryTables.MODEL_TRAININGS);
    GenericRecord r = GenericRecord.create(table.schema());
    r.setField("run_id", row.runId());
    r.setField("adapter_name", row.adapterName());
    r.setField("registry_key", row.registryKey());
    r.setField("base_model_id", row.baseModelId());
    r.setField("base_model_sha256", row.baseModelSha256());
    r.setField("datanet_ids", row.datanetIds());
    r.setField("contributions_snapshot_id", row.contributionsSnapshotId());
    r.setField("events_snapshot_id", row.eventsSnapshotId());
    r.setField("training_set_root", row.trainingSetRoot());
    r.setField("training_set_count", row.trainingSetCount());
    r.setField("excluded_count", row.excludedCount());
    r.setField("artifact_sha256", row.artifactSha256());
    r.setField("manifest_sha256", row.manifestSha256());
    r.setField("attribution_method", row.attributionMethod());
    r.setField("steps", row.steps());
    r.setField("seed", row.seed());
    r.setField("final_loss", row.finalLoss());
    r.setField("final_eval_loss", row.finalEvalLoss());
    r.setField("tokens_seen", row.tokensSeen());
    r.setField("wall_time_ms", row.wallTimeMs());
    r.setField("hyperparameters", row.hyperparameters());
    r.setField("tx_hash", row.txHash());
    r.setField("block_number", row.blockNumber());
    r.setField("started_at", row.startedAt().atOffset(ZoneOffset.UTC));
    r.setField("finished_at", row.finishedAt().atOffset(ZoneOffset.UTC));
    TableAppender.append(table, "model-trainings-" + row.runId(), List.of(r));
  }

  /** Every complete run, newest first. */
  public List<TrainingRow> trainings() {
    if (!catalog.tableExists(FactoryTables.MODEL_TRAININGS)) {
      return List.of();
    }
    List<TrainingRow> out = new ArrayList<>();
    try (CloseableIterable<Record> it =
        IcebergGenerics.read(catalog.loadTable(FactoryTables.MODEL_TRAININGS)).build()) {
      it.forEach(r -> out.add(row(r)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(Comparator.comparing(TrainingRow::finishedAt).reversed());
    return out;
  }

  /** The run with this run id or adapter name. */
  public Optional<TrainingRow> training(String runIdOrName) {
    return trainings().stream()
        .filter(t -> t.runId().equals(runIdOrName) || t.adapterName().equals(runIdOrName))
        .findFirst();
  }

  /** The {@code training_contributions} rows of a run: contribution id -> split. */
  public List<Record> contributions(String runId) {
    if (!catalog.tableExists(FactoryTables.TRAINING_CONTRIBUTIONS)) {
      return List.of();
    }
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> it =
        IcebergGenerics.read(catalog.loadTable(FactoryTables.TRAINING_CONTRIBUTIONS))
            .where(Expressions.equal("run_id", runId))
            .build()) {
      it.forEach(r -> out.add(r.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static TrainingRow row(Record r) {
    return new TrainingRow(
        (String) r.getField("run_id"),
        (String) r.getField("adapter_name"),
        (String) r.getField("registry_key"),
        (String) r.getField("base_model_id"),
        (String) r.getField("base_model_sha256"),
        (List<String>) r.getField("datanet_ids"),
        (Long) r.getField("contributions_snapshot_id"),
        (Long) r.getField("events_snapshot_id"),
        (String) r.getField("training_set_root"),
        (Integer) r.getField("training_set_count"),
        (Integer) r.getField("excluded_count"),
        (String) r.getField("artifact_sha256"),
        (String) r.getField("manifest_sha256"),
        (String) r.getField("attribution_method"),
        (Integer) r.getField("steps"),
        (Long) r.getField("seed"),
        (Double) r.getField("final_loss"),
        (Double) r.getField("final_eval_loss"),
        (Long) r.getField("tokens_seen"),
        (Long) r.getField("wall_time_ms"),
        (String) r.getField("hyperparameters"),
        (String) r.getField("tx_hash"),
        (Long) r.getField("block_number"),
        instant(r.getField("started_at")),
        instant(r.getField("finished_at")));
  }

  private static Instant instant(Object v) {
    return ((OffsetDateTime) v).toInstant();
  }
}
