package io.payable.jobs.common;

import java.util.HashMap;
import java.util.List;
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

  public static final ConfigOption<String> IO_IMPL =
      ConfigOptions.key("iceberg.io-impl")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "FileIO implementation, e.g. org.apache.iceberg.aws.s3.S3FileIO for an S3 warehouse;"
                  + " unset: the catalog's default (Hadoop file systems, or what a REST catalog"
                  + " tells the client).");

  public static final ConfigOption<String> S3_ENDPOINT =
      ConfigOptions.key("iceberg.s3.endpoint")
          .stringType()
          .noDefaultValue()
          .withDescription("S3 endpoint for S3FileIO (MinIO, Ceph, ...); unset: AWS S3.");

  public static final ConfigOption<Boolean> S3_PATH_STYLE_ACCESS =
      ConfigOptions.key("iceberg.s3.path-style-access")
          .booleanType()
          .noDefaultValue()
          .withDescription("Path-style S3 requests (bucket in the path), as MinIO needs.");

  public static final ConfigOption<String> CLIENT_REGION =
      ConfigOptions.key("iceberg.client.region")
          .stringType()
          .noDefaultValue()
          .withDescription("AWS region of the S3 (and REST catalog signing) clients.");

  private IcebergOptions() {}

  /** Every option of this class, for documentation and manifest checks. */
  public static List<ConfigOption<?>> all() {
    return List.of(
        CATALOG_NAME,
        CATALOG_TYPE,
        WAREHOUSE,
        URI,
        IO_IMPL,
        S3_ENDPOINT,
        S3_PATH_STYLE_ACCESS,
        CLIENT_REGION);
  }

  /** A serializable catalog loader for the configured catalog. */
  public static CatalogLoader catalogLoader(Configuration config) {
    String name = config.get(CATALOG_NAME);
    Map<String, String> props = new HashMap<>();
    config
        .getOptional(WAREHOUSE)
        .ifPresent(w -> props.put(CatalogProperties.WAREHOUSE_LOCATION, w));
    config.getOptional(URI).ifPresent(u -> props.put(CatalogProperties.URI, u));
    config.getOptional(IO_IMPL).ifPresent(io -> props.put(CatalogProperties.FILE_IO_IMPL, io));
    config.getOptional(S3_ENDPOINT).ifPresent(e -> props.put("s3.endpoint", e));
    config
        .getOptional(S3_PATH_STYLE_ACCESS)
        .ifPresent(p -> props.put("s3.path-style-access", p.toString()));
    config.getOptional(CLIENT_REGION).ifPresent(r -> props.put("client.region", r));
    return switch (config.get(CATALOG_TYPE)) {
      case "hadoop" -> {
        if (!props.containsKey(CatalogProperties.WAREHOUSE_LOCATION)) {
          throw new IllegalArgumentException(WAREHOUSE.key() + " is required for a hadoop catalog");
        }
        yield CatalogLoader.hadoop(name, new org.apache.hadoop.conf.Configuration(), props);
      }
      case "rest" -> {
        if (!props.containsKey(CatalogProperties.URI)) {
          throw new IllegalArgumentException(URI.key() + " is required for a rest catalog");
        }
        yield CatalogLoader.rest(name, new org.apache.hadoop.conf.Configuration(), props);
      }
      default ->
          throw new IllegalArgumentException(
              "Unsupported " + CATALOG_TYPE.key() + ": " + config.get(CATALOG_TYPE));
    };
  }
}
