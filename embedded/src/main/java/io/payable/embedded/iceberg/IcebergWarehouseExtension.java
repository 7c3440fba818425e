package io.payable.embedded.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** JUnit 5 extension with a {@link LocalIcebergWarehouse} in a temporary directory per class. */
public final class IcebergWarehouseExtension implements BeforeAllCallback, AfterAllCallback {

  private LocalIcebergWarehouse warehouse;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    warehouse = LocalIcebergWarehouse.open(Files.createTempDirectory("payable-warehouse-"));
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (warehouse == null) {
      return;
    }
    warehouse.close();
    try (Stream<Path> paths = Files.walk(warehouse.directory())) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
    warehouse = null;
  }

  public LocalIcebergWarehouse warehouse() {
    if (warehouse == null) {
      throw new IllegalStateException("The warehouse is not open; register the extension");
    }
    return warehouse;
  }
}
