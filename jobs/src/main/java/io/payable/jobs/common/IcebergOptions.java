package io.payable.jobs.common;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.flink.CatalogLoader;

/** Where a job's Iceberg tables live. */
public final class IcebergOptions {

  public static final ConfigOption<String> CATALOG_NAME =
      ConfigOptions.key("iceberg.catalog-name")
          .stringType()
          .defaultValue("payable")
          .withDescription("Name of the Iceberg catalog.");

  public static final ConfigOption<String> CATALOG_TYPE =
      ConfigOptions.key("iceberg.catalog-type")
          .stringType()
          .defaultValue("hadoop")
          .withDescription("Catalog implementation: 'hadoop' (a warehouse directory) or 'rest'.");

  public static final ConfigOption<String> WAREHOUSE =
      ConfigOptions.key("iceberg.warehouse")
          .stringType()
          .noDefaultValue()
          .withDescription("Warehouse location, e.g. file:///data/warehouse or s3://bucket/wh.");

  public static final ConfigOption<String> URI =
      ConfigOptions.key("iceberg.uri")
          .stringType()
          .noDefaultValue()
          .withDescription("REST catalog endpoint (catalog-type 'rest').");

  private IcebergOptions() {}

  /** A serializable catalog loader for the configured catalog. */
  public static CatalogLoader catalogLoader(Configuration config) {
    String name = config.get(CATALOG_NAME);
    Map<String, String> props = new HashMap<>();
    config
        .getOptional(WAREHOUSE)
        .ifPresent(w -> props.put(CatalogProperties.WAREHOUSE_LOCATION, w));
    config.getOptional(URI).ifPresent(u -> props.put(CatalogProperties.URI, u));
    return switch (config.get(CATALOG_TYPE)) {
      case "hadoop" -> {
        if (!props.containsKey(CatalogProperties.WAREHOUSE_LOCATION)) {
          throw new IllegalArgumentException(WAREHOUSE.key() + " is required for a hadoop catalog");
        }
        yield CatalogLoader.hadoop(name, new org.apache.hadoop.conf.Configuration(), props);
      }
      case "rest" -> CatalogLoader.rest(name, new org.apache.hadoop.conf.Configuration(), props);
      default ->
          throw new IllegalArgumentException(
              "Unsupported " + CATALOG_TYPE.key() + ": " + config.get(CATALOG_TYPE));
    };
  }
}
