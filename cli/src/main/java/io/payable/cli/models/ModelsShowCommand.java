package io.payable.cli.models;

import io.payable.factory.tables.TrainingRow;
import io.payable.factory.tables.TrainingTables;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code payable models show RUN|NAME}: one run's row of {@code model_trainings}. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Show one training run (by run id or adapter name).")
public final class ModelsShowCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUN", description = "Run id or adapter name.")
  String run;

  @Mixin WarehouseOptions warehouse;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    TrainingTables tables = new TrainingTables(warehouse.catalog());
    Optional<TrainingRow> found = tables.training(run);
    if (found.isEmpty()) {
      spec.commandLine().getErr().println("error: no finished run " + run + " [unknown_run]");
      return 1;
    }
    TrainingRow r = found.get();
    out.println("run               " + r.runId());
    out.println("adapter           " + r.adapterName() + " (" + r.registryKey() + ")");
    out.println("base model        " + r.baseModelId() + " (0x" + r.baseModelSha256() + ")");
    out.println("datanets          " + String.join(", ", r.datanetIds()));
    out.println(
        "snapshots         datanet_contributions "
            + r.contributionsSnapshotId()
            + (r.eventsSnapshotId() == null
                ? ""
                : ", contribution_events " + r.eventsSnapshotId()));
    out.println(
        "training set      "
            + r.trainingSetRoot()
            + " ("
            + r.trainingSetCount()
            + " contributions, "
            + r.excludedCount()
            + " excluded)");
    out.println("artifact          0x" + r.artifactSha256());
    out.println("manifest          0x" + r.manifestSha256());
    out.println("attribution       " + r.attributionMethod());
    out.println("steps             " + r.steps() + " (seed " + r.seed() + ")");
    out.println(
        "final loss        "
            + r.finalLoss()
            + (r.finalEvalLoss() == null ? "" : ", eval " + r.finalEvalLoss()));
    out.println("tokens seen       " + r.tokensSeen());
    out.println("wall time         " + r.wallTimeMs() / 1000.0 + " s");
    out.println("hyperparameters   " + r.hyperparameters());
    out.println(
        "registered        "
            + (r.txHash() == null ? "no" : "tx " + r.txHash() + ", block " + r.blockNumber()));
    out.println(
        "contributions     "
            + tables.contributions(r.runId()).size()
            + " rows in training_contributions");
    out.flush();
    return 0;
  }
}
