package io.payable.index.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedIntArrayTest {

  @TempDir Path tmp;

  @Test
  void readsAcrossMappingWindows() throws Exception {
    int n = 1000;
    ByteBuffer buf = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      buf.putInt(i * 7 + 3);
    }
    Path file = tmp.resolve("ints");
    Files.write(file, buf.array());
    // 16-int windows: the same code path as 1 GiB windows on files past 2 GiB.
    MappedIntArray ints = MappedIntArray.map(file, 4);
    assertThat(ints.length()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat(ints.get(i)).isEqualTo(i * 7 + 3);
    }
    int[] out = new int[40];
    ints.get(10, out, 0, 40);
    assertThat(out[0]).isEqualTo(73);
    assertThat(out[39]).isEqualTo(49 * 7 + 3);
  }

  @Test
  void refusesPartialValue() throws Exception {
    Path file = tmp.resolve("odd");
    Files.write(file, new byte[] {1, 2, 3, 4, 5});
    assertThatThrownBy(() -> MappedIntArray.map(file))
        .isInstanceOf(ShardFormatException.class)
        .hasMessageContaining(file.toString());
  }
}
