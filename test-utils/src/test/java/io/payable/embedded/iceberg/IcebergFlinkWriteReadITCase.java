package io.payable.embedded.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.jobs.testing.FlinkMiniClusterTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.util.CloseableIterator;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;
import org.apache.iceberg.flink.source.FlinkSource;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Flink job with checkpointing writes an Iceberg table; a Flink batch job reads it back. */
class IcebergFlinkWriteReadITCase extends FlinkMiniClusterTestBase {

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.required(2, "text", Types.StringType.get()),
          Types.NestedField.required(3, "amount_wei", Types.DecimalType.of(38, 0)));

  @Test
  void checkpointedFlinkJobCommitsRowsThatReadBackIntact() throws Exception {
    LocalIcebergWarehouse warehouse = WAREHOUSE.warehouse();
    TableIdentifier id = TableIdentifier.of(Namespace.of("it"), "rows");
    Table table = warehouse.catalog().createTable(id, SCHEMA);
    int rows = 1_000;

    StreamExecutionEnvironment writeEnv = StreamExecutionEnvironment.getExecutionEnvironment();
    writeEnv.enableCheckpointing(200);
    writeEnv.setParallelism(2);
    DataStream<RowData> input =
        writeEnv
            .fromData(IntStream.range(0, rows).boxed().toList())
            .map(IcebergFlinkWriteReadITCase::row)
            .returns(RowData.class);
    FlinkSink.forRowData(input)
        .tableLoader(TableLoader.fromCatalog(warehouse.catalogLoader(), id))
        .append();
    writeEnv.execute("iceberg-write");

    table.refresh();
    assertThat(table.currentSnapshot()).as("the checkpoint committed a snapshot").isNotNull();

    StreamExecutionEnvironment readEnv = StreamExecutionEnvironment.getExecutionEnvironment();
    readEnv.setParallelism(1);
    List<String> read = new ArrayList<>();
    try (CloseableIterator<RowData> it =
        FlinkSource.forRowData()
            .env(readEnv)
            .tableLoader(TableLoader.fromCatalog(warehouse.catalogLoader(), id))
            .streaming(false)
            .build()
            .executeAndCollect("iceberg-read")) {
      it.forEachRemaining(
          r ->
              read.add(
                  r.getLong(0)
                      + "|"
                      + r.getString(1)
                      + "|"
                      + r.getDecimal(2, 38, 0).toBigDecimal().toPlainString()));
    }
    assertThat(read)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, rows).mapToObj(i -> i + "|text-" + i + "|" + wei(i)).toList());
  }

  private static RowData row(int i) {
    return GenericRowData.of(
        (long) i,
        StringData.fromString("text-" + i),
        org.apache.flink.table.data.DecimalData.fromBigDecimal(
            new java.math.BigDecimal(wei(i)), 38, 0));
  }

  /** Amounts near the top of decimal(38,0), so a lossy type would show. */
  private static String wei(int i) {
    return new java.math.BigInteger("99999999999999999999999999999999999999")
        .subtract(java.math.BigInteger.valueOf(i))
        .toString();
  }
}
