package io.payable.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Reads the jobs' Iceberg tables (a Hadoop catalog over the warehouse). Each read loads the table
 * again, so it sees the newest snapshot; a table the jobs have not created yet reads as empty.
 */
final class Warehouse implements AutoCloseable {

  private final HadoopCatalog catalog;

  Warehouse(String location) {
    this.catalog = new HadoopCatalog(new org.apache.hadoop.conf.Configuration(), location);
  }

  List<Record> rows(TableIdentifier table) {
    return rows(table, Expressions.alwaysTrue());
  }

  /** Rows matching {@code filter}, copied (the reader reuses its records). */
  List<Record> rows(TableIdentifier table, Expression filter) {
    List<Record> out = new ArrayList<>();
    if (!catalog.tableExists(table)) {
      return out;
    }
    try (CloseableIterable<Record> it =
        IcebergGenerics.read(catalog.loadTable(table)).where(filter).build()) {
      for (Record r : it) {
        out.add(r.copy());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + table, e);
    }
    return out;
  }

  /** The id of the table's current snapshot, or -1: cheap change detection. */
  long snapshotId(TableIdentifier table) {
    if (!catalog.tableExists(table)) {
      return -1;
    }
    Snapshot s = catalog.loadTable(table).currentSnapshot();
    return s == null ? -1 : s.snapshotId();
  }

  @Override
  public void close() throws IOException {
    catalog.close();
  }
}
