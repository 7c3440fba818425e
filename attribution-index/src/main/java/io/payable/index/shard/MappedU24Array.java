package io.payable.index.shard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only file of little-endian u24 values (3 bytes each), memory-mapped in windows of 2^28
 * values. Token symbols of every tokenizer in use are below 2^24, so a shard's {@code tokens} take
 * 3 bytes per symbol instead of 4. A value is read as one unaligned 4-byte load masked to 24 bits;
 * each window maps one byte past its last value where the file has it, and only the file's last
 * value is assembled from single bytes.
 */
public final class MappedU24Array implements IntArrayView {

  private static final int WINDOW_SHIFT = 28;

  private final ByteBuffer[] windows;
  private final ByteBuffer first;
  private final long length;
  private final int shift;
  private final long firstLength;
  private final int mask;

  private MappedU24Array(ByteBuffer[] windows, long length, int shift) {
    this.windows = windows;
    this.first = windows.length > 0 ? windows[0] : ByteBuffer.allocate(0);
    this.length = length;
    this.shift = shift;
    this.firstLength = 1L << shift;
    this.mask = (1 << shift) - 1;
  }

  /** Maps {@code file}, which must hold a whole number of u24 values. */
  public static MappedU24Array map(Path file) throws IOException {
    return map(file, WINDOW_SHIFT);
  }

  /** Maps with windows of {@code 2^shift} values; small windows let tests cross window edges. */
  static MappedU24Array map(Path file, int shift) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long bytes = channel.size();
      if (bytes % 3 != 0) {
        throw new ShardFormatException(file, "size " + bytes + " is not a multiple of 3 bytes");
      }
      long length = bytes / 3;
      long window = 1L << shift;
      int count = (int) ((length + window - 1) >>> shift);
      ByteBuffer[] windows = new ByteBuffer[count];
      for (int i = 0; i < count; i++) {
        long start = 3 * (((long) i) << shift);
        long size = Math.min(3 * window + 1, bytes - start);
        windows[i] =
            channel.map(FileChannel.MapMode.READ_ONLY, start, size).order(ByteOrder.LITTLE_ENDIAN);
      }
      // The mapping stays valid after the channel closes.
      return new MappedU24Array(windows, length, shift);
    }
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public int get(long index) {
    ByteBuffer w;
    int offset;
    if (index < firstLength) {
      w = first;
      offset = 3 * (int) index;
    } else {
      w = windows[(int) (index >>> shift)];
      offset = 3 * (int) (index & mask);
    }
    if (offset + 4 <= w.limit()) {
      return w.getInt(offset) & 0xffffff;
    }
    return (w.get(offset) & 0xff)
        | (w.get(offset + 1) & 0xff) << 8
        | (w.get(offset + 2) & 0xff) << 16;
  }
}
