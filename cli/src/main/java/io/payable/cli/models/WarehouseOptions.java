package io.payable.cli.models;

import io.payable.jobs.common.IcebergOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.iceberg.catalog.Catalog;
import picocli.CommandLine.Option;

/** The Iceberg warehouse holding the contribution and training tables. */
final class WarehouseOptions {

  @Option(
      names = "--warehouse",
      required = true,
      description = "Iceberg warehouse (file:// or a Hadoop URI) of the ingest job's tables.")
  String warehouse;

  Catalog catalog() {
    return IcebergOptions.catalogLoader(
            new Configuration().set(IcebergOptions.WAREHOUSE, warehouse))
        .loadCatalog();
  }
}
