package io.payable.settlement;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;

/**
 * An Iceberg table written once per epoch (the settlement ledgers): the rows of an epoch are
 * appended in one commit unless the epoch has rows already, so a writer that replays an epoch after
 * a restart writes nothing.
 */
final class EpochLedgerTable implements Serializable {

  private static final long serialVersionUID = 1L;

  private final CatalogLoader catalog;
  // TableIdentifier (its Namespace) is not Serializable; the dotted name is.
  private final String identifier;
  private transient Table table;

  EpochLedgerTable(CatalogLoader catalog, TableIdentifier identifier) {
    this.catalog = catalog;
    this.identifier = identifier.toString();
  }

  private Table table() {
    if (table == null) {
      table = catalog.loadCatalog().loadTable(TableIdentifier.parse(identifier));
    } else {
      table.refresh();
    }
    return table;
  }

  /** Whether {@code epoch} has rows. */
  boolean has(long epoch) throws IOException {
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(table()).where(Expressions.equal("epoch", epoch)).build()) {
      return rows.iterator().hasNext();
    }
  }

  /**
   * Appends the rows {@code rows} makes from an empty record of the table's schema, in one data
   * file named after {@code filePrefix} and {@code epoch}, unless {@code epoch} has rows already.
   */
  void appendOnce(long epoch, String filePrefix, Function<GenericRecord, List<Record>> rows)
      throws IOException {
    if (has(epoch)) {
      return;
    }
    Table t = table();
    GenericRecord template = GenericRecord.create(t.schema());
    List<Record> records = rows.apply(template);
    if (records.isEmpty()) {
      return;
    }
    String file = filePrefix + "-" + epoch + "-" + UUID.randomUUID() + ".parquet";
    PartitionKey partition = null;
    String path;
    if (t.spec().isUnpartitioned()) {
      path = t.locationProvider().newDataLocation(file);
    } else {
      partition = new PartitionKey(t.spec(), t.schema());
      GenericRecord key = template.copy();
      key.setField("epoch", epoch);
      partition.partition(new InternalRecordWrapper(t.schema().asStruct()).wrap(key));
      path = t.locationProvider().newDataLocation(t.spec(), partition, file);
    }
    DataWriter<Record> writer =
        new GenericAppenderFactory(t.schema(), t.spec())
            .newDataWriter(
                EncryptedFiles.plainAsEncryptedOutput(t.io().newOutputFile(path)),
                FileFormat.PARQUET,
                partition);
    try (writer) {
      for (Record r : records) {
        writer.write(r);
      }
    }
    t.newAppend().appendFile(writer.toDataFile()).commit();
  }
}
