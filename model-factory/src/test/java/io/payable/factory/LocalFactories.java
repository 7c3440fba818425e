package io.payable.factory;

import io.payable.factory.chain.DatanetGate;
import io.payable.factory.run.AdapterTrainer;
import io.payable.factory.run.ModelFactory;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.iceberg.catalog.Catalog;

/** The ModelFactory of tests that train without a chain: LoRA, no Datanet gate, no registry. */
public final class LocalFactories {
  private LocalFactories() {}

  /** A factory reading {@code catalog} and keeping its runs under {@code runs}. */
  public static ModelFactory of(Catalog catalog, Path runs) {
    return new ModelFactory(
        catalog, runs, AdapterTrainer.lora(), DatanetGate.none(), Optional.empty());
  }
}
