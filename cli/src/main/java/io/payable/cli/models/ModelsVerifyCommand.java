package io.payable.cli.models;

import io.payable.factory.FactoryException;
import io.payable.factory.verify.ProvenanceVerifier;
import io.payable.factory.verify.VerificationReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code payable models verify ADAPTER}: recomputes the artifact hash and the training-set root
 * (from the contribution tables at the snapshots the manifest pins) and compares them with
 * ModelRegistry. Prints OK, or MISMATCH and every difference; exit status 0 or 1.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Check an adapter's artifact hash and training-set root against the chain.")
public final class ModelsVerifyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ADAPTER", description = "Adapter directory.")
  Path adapter;

  @Mixin WarehouseOptions warehouse;

  @Mixin ChainOptions chain;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (ChainOptions.Connection c = chain.connect(false)) {
      VerificationReport report =
          new ProvenanceVerifier(warehouse.catalog(), c.registry()).verify(adapter);
      out.println(report.summary());
      out.flush();
      return report.ok() ? 0 : 1;
    } catch (FactoryException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage() + " [" + e.reason() + "]");
      return 1;
    }
  }
}
