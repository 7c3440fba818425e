package io.payable.embedded.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.hadoop.HadoopCatalog;

/**
 * An Iceberg warehouse in a local directory, served by a {@link HadoopCatalog} over {@code
 * file://}.
 *
 * <p>Flink operators get a serializable {@link #catalogLoader()} and open the catalog on the task
 * managers; tests and tools use {@link #catalog()} directly.
 */
public final class LocalIcebergWarehouse implements AutoCloseable {

  /** The catalog name used in Flink SQL ({@code payable.<namespace>.<table>}). */
  public static final String DEFAULT_CATALOG_NAME = "payable";

  private final Path directory;
  private final String catalogName;
  private final HadoopCatalog catalog;

  private LocalIcebergWarehouse(Path directory, String catalogName) {
    this.directory = directory;
    this.catalogName = catalogName;
    this.catalog = new HadoopCatalog();
    catalog.setConf(new Configuration());
    catalog.initialize(catalogName, properties());
  }

  /** Opens (creating it if needed) the warehouse in {@code directory}. */
  public static LocalIcebergWarehouse open(Path directory) {
    return open(directory, DEFAULT_CATALOG_NAME);
  }

  public static LocalIcebergWarehouse open(Path directory, String catalogName) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create the warehouse directory " + directory, e);
    }
    return new LocalIcebergWarehouse(directory.toAbsolutePath(), catalogName);
  }

  public Path directory() {
    return directory;
  }

  /** The warehouse location as a {@code file://} URI. */
  public String location() {
    return directory.toUri().toString();
  }

  public String catalogName() {
    return catalogName;
  }

  /** Catalog properties, as Flink SQL's {@code CREATE CATALOG ... WITH (...)} would take them. */
  public Map<String, String> properties() {
    return Map.of(
        "type",
        "iceberg",
        "catalog-type",
        "hadoop",
        CatalogProperties.WAREHOUSE_LOCATION,
        location());
  }

  /** The catalog, for use on this JVM. */
  public Catalog catalog() {
    return catalog;
  }

  /** A serializable loader for Flink sources and sinks. */
  public CatalogLoader catalogLoader() {
    return CatalogLoader.hadoop(catalogName, new Configuration(), properties());
  }

  @Override
  public void close() {
    try {
      catalog.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
