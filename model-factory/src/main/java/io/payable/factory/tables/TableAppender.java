package io.payable.factory.tables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.io.DataWriter;

/** Appends rows to an unpartitioned table in one Parquet file and one commit: all or nothing. */
final class TableAppender {

  private TableAppender() {}

  static void append(Table table, String prefix, List<Record> rows) {
    if (rows.isEmpty()) {
      return;
    }
    String path =
        table.locationProvider().newDataLocation(prefix + "-" + UUID.randomUUID() + ".parquet");
    try {
      DataWriter<Record> writer =
          new GenericAppenderFactory(table.schema(), table.spec())
              .newDataWriter(
                  EncryptedFiles.plainAsEncryptedOutput(table.io().newOutputFile(path)),
                  FileFormat.PARQUET,
                  null);
      try (writer) {
        for (Record r : rows) {
          writer.write(r);
        }
      }
      table.newAppend().appendFile(writer.toDataFile()).commit();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + table.name(), e);
    }
  }
}
