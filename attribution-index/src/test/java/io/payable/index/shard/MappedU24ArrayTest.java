package io.payable.index.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedU24ArrayTest {

  @TempDir Path tmp;

  /** Values written byte by byte (little-endian, 3 bytes), read back through 16-value windows. */
  @Test
  void readsAcrossMappingWindowsAndTheLastValue() throws Exception {
    int n = 1000;
    byte[] bytes = new byte[3 * n];
    for (int i = 0; i < n; i++) {
      int v = value(i);
      bytes[3 * i] = (byte) v;
      bytes[3 * i + 1] = (byte) (v >> 8);
      bytes[3 * i + 2] = (byte) (v >> 16);
    }
    Path file = tmp.resolve("u24");
    Files.write(file, bytes);
    for (int shift : new int[] {4, 28}) {
      MappedU24Array values = MappedU24Array.map(file, shift);
      assertThat(values.length()).isEqualTo(n);
      for (int i = 0; i < n; i++) {
        assertThat(values.get(i)).as("value %d, windows of 2^%d", i, shift).isEqualTo(value(i));
      }
    }
  }

  /** Spreads over all 24 bits, with the top bit of each byte set in some values. */
  private static int value(int i) {
    return (int) ((i * 2_654_435_761L) & 0xffffff);
  }

  @Test
  void refusesPartialValue() throws Exception {
    Path file = tmp.resolve("odd");
    Files.write(file, new byte[] {1, 2, 3, 4});
    assertThatThrownBy(() -> MappedU24Array.map(file))
        .isInstanceOf(ShardFormatException.class)
        .hasMessageContaining(file.toString());
  }
}
