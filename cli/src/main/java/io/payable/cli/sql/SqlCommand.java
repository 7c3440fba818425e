package io.payable.cli.sql;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code payable sql "SELECT ..."}: runs Flink SQL in batch mode against the Iceberg catalog (the
 * tables of namespace {@code payable}, the current database) and prints the result as a table.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = "Run a Flink SQL query (batch) against the Iceberg tables and print the result.")
public final class SqlCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "QUERY",
      description = "SQL statement, e.g. \"SELECT * FROM settlements\".")
  String query;

  @Option(
      names = "--warehouse",
      required = true,
      description = "Iceberg warehouse (Hadoop catalog), file:// or a Hadoop URI.")
  String warehouse;

  @Option(
      names = "--max-rows",
      defaultValue = "1000",
      description = "Print at most this many rows.")
  int maxRows;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    TableEnvironment tables = TableEnvironment.create(EnvironmentSettings.inBatchMode());
    tables.executeSql(
        "CREATE CATALOG payable WITH ('type'='iceberg', 'catalog-type'='hadoop', 'warehouse'='"
            + warehouse.replace("'", "''")
            + "')");
    tables.useCatalog("payable");
    tables.useDatabase("payable");
    TableResult result = tables.executeSql(query);
    List<String> header =
        result.getResolvedSchema().getColumns().stream().map(Column::getName).toList();
    List<List<String>> rows = new ArrayList<>();
    boolean truncated = false;
    try (CloseableIterator<Row> it = result.collect()) {
      while (it.hasNext()) {
        Row row = it.next();
        if (rows.size() == maxRows) {
          truncated = true;
          break;
        }
        List<String> cells = new ArrayList<>(row.getArity());
        for (int i = 0; i < row.getArity(); i++) {
          Object v = row.getField(i);
          cells.add(v == null ? "NULL" : v.toString());
        }
        rows.add(cells);
      }
    }
    out.print(TextTable.render(header, rows));
    out.printf(
        "%d row%s%s%n", rows.size(), rows.size() == 1 ? "" : "s", truncated ? " (truncated)" : "");
    out.flush();
    return 0;
  }
}
