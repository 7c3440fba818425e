package io.payable.ingest.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestTablesTest {

  @Test
  void ensureAddsTheContentColumnToATableOfTheEarlierSchema(@TempDir Path dir) {
    try (LocalIcebergWarehouse warehouse = LocalIcebergWarehouse.open(dir)) {
      // datanet_contributions as the ingest job created it before it stored the content.
      List<Types.NestedField> earlier =
          IngestTables.CONTRIBUTIONS_SCHEMA.columns().stream()
              .filter(f -> !f.name().equals("content"))
              .toList();
      assertThat(earlier).hasSize(11);
      Schema old = new Schema(earlier);
      IngestTables.ensure(
          warehouse.catalog(), IngestTables.CONTRIBUTIONS, old, PartitionSpec.unpartitioned());

      IngestTables.ensure(warehouse.catalog());
      IngestTables.ensure(warehouse.catalog()); // a second job start changes nothing

      Table table = warehouse.catalog().loadTable(IngestTables.CONTRIBUTIONS);
      Types.NestedField content = table.schema().findField("content");
      assertThat(content).isNotNull();
      assertThat(content.isOptional()).isTrue();
      assertThat(content.fieldId()).isEqualTo(12);
      assertThat(table.schema().columns()).hasSize(12);
      assertThat(table.schema().sameSchema(IngestTables.CONTRIBUTIONS_SCHEMA)).isTrue();
    }
  }
}
