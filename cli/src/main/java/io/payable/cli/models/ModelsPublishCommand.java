package io.payable.cli.models;

import io.payable.factory.FactoryException;
import io.payable.factory.publish.AdapterPublisher;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code payable models publish ADAPTER --store DIR [--worker URL]...}: copies a finished adapter
 * into the workers' adapter store and asks each worker to load it, without a restart.
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = "Copy an adapter to the workers' adapter store and load it on running workers.")
public final class ModelsPublishCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ADAPTER", description = "Adapter directory of a run.")
  Path adapter;

  @Option(
      names = "--store",
      required = true,
      description = "Adapter store (`payable serve --adapters`).")
  Path store;

  @Option(
      names = "--worker",
      description = "Worker base URL, e.g. http://127.0.0.1:8000; repeatable.")
  List<URI> workers = List.of();

  @Option(names = "--base", description = "Check the adapter fits this base model directory first.")
  Path base;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      AdapterPublisher.Publication p =
          new AdapterPublisher().publish(adapter, store, Optional.ofNullable(base), workers);
      out.println("stored " + p.adapterName() + " at " + p.storedAt());
      boolean ok = true;
      for (AdapterPublisher.WorkerAnswer a : p.workers()) {
        out.println(
            (a.ok() ? "loaded on " : "NOT loaded on ")
                + a.worker()
                + (a.ok() ? "" : ": " + a.status() + " " + a.body().strip()));
        ok &= a.ok();
      }
      out.flush();
      return ok ? 0 : 1;
    } catch (FactoryException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage() + " [" + e.reason() + "]");
      return 1;
    }
  }
}
