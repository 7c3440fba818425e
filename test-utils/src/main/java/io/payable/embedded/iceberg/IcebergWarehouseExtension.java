package io.payable.embedded.iceberg;

import java.io.IOException;
import java.nio.file.Files;
import org.apache.flink.util.FileUtils;
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
    FileUtils.deleteDirectory(warehouse.directory().toFile());
    warehouse = null;
  }

  public LocalIcebergWarehouse warehouse() {
    if (warehouse == null) {
      throw new IllegalStateException("The warehouse is not open; register the extension");
    }
    return warehouse;
  }
}
