package io.payable.cli.models;

import io.payable.factory.tables.TrainingRow;
import io.payable.factory.tables.TrainingTables;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code payable models list}: the complete runs of {@code model_trainings}, newest first. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List finished training runs (model_trainings), newest first.")
public final class ModelsListCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin WarehouseOptions warehouse;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<TrainingRow> rows = new TrainingTables(warehouse.catalog()).trainings();
    if (rows.isEmpty()) {
      out.println("No training runs yet");
      out.flush();
      return 0;
    }
    List<List<String>> cells = new ArrayList<>();
    for (TrainingRow r : rows) {
      cells.add(
          List.of(
              r.runId(),
              r.adapterName(),
              r.baseModelId(),
              String.valueOf(r.trainingSetCount()),
              String.valueOf(r.steps()),
              r.finalLoss() == null ? "" : String.format("%.4f", r.finalLoss()),
              r.txHash() == null ? "no" : "yes",
              r.finishedAt().toString()));
    }
    cells.add(
        0,
        List.of(
            "run", "adapter", "base", "contributions", "steps", "loss", "registered", "finished"));
    int[] widths = new int[cells.get(0).size()];
    for (List<String> row : cells) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : cells) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(String.format("%-" + widths[i] + "s", row.get(i)));
        line.append(i + 1 < row.size() ? "  " : "");
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
    return 0;
  }
}
