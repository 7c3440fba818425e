package io.payable.index.shard;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only file of little-endian u32 values, memory-mapped in 1 GiB chunks so files past the 2
 * GiB limit of one {@link java.nio.MappedByteBuffer} work. Only absolute reads are used, so one
 * instance serves any number of threads.
 */
public final class MappedIntArray implements IntArrayView {

  private static final int CHUNK_SHIFT = 28; // 2^28 ints = 1 GiB per mapping

  private final IntBuffer[] chunks;
  private final IntBuffer first;
  private final long length;
  private final int shift;
  private final long firstLength;
  private final int mask;

  private MappedIntArray(IntBuffer[] chunks, long length, int shift) {
    this.chunks = chunks;
    this.first = chunks.length > 0 ? chunks[0] : IntBuffer.allocate(0);
    this.length = length;
    this.shift = shift;
    this.firstLength = 1L << shift;
    this.mask = (1 << shift) - 1;
  }

  /** Maps {@code file}, which must hold a whole number of u32 values. */
  public static MappedIntArray map(Path file) throws IOException {
    return map(file, CHUNK_SHIFT);
  }

  /** Maps with windows of {@code 2^shift} ints; small windows let tests cross window edges. */
  static MappedIntArray map(Path file, int shift) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long bytes = channel.size();
      if ((bytes & 3) != 0) {
        throw new ShardFormatException(file, "size " + bytes + " is not a multiple of 4 bytes");
      }
      long length = bytes >>> 2;
      long window = 1L << shift;
      int count = (int) ((length + window - 1) >>> shift);
      IntBuffer[] chunks = new IntBuffer[count];
      for (int i = 0; i < count; i++) {
        long start = ((long) i) << shift;
        long ints = Math.min(window, length - start);
        chunks[i] =
            channel
                .map(FileChannel.MapMode.READ_ONLY, start << 2, ints << 2)
                .order(ByteOrder.LITTLE_ENDIAN)
                .asIntBuffer();
      }
      // The mapping stays valid after the channel closes.
      return new MappedIntArray(chunks, length, shift);
    }
  }

  /** Number of u32 values. */
  @Override
  public long length() {
    return length;
  }

  /** Value at {@code index} as a non-negative int (all stored values are below 2^31). */
  @Override
  public int get(long index) {
    if (index < firstLength) {
      return first.get((int) index);
    }
    return chunks[(int) (index >>> shift)].get((int) (index & mask));
  }

  /** Copies {@code [from, from + count)} into {@code out}. */
  public void get(long from, int[] out, int offset, int count) {
    for (int i = 0; i < count; i++) {
      out[offset + i] = get(from + i);
    }
  }
}
