package io.payable.lora.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reader and writer for the safetensors format: an 8-byte little-endian header length, a JSON
 * header mapping tensor names to dtype, shape and byte offsets, then the raw little-endian tensors.
 * DJL has no safetensors support for the PyTorch engine, and the format is small enough to
 * implement here. Tensors are read into {@code float[]} (F32, F16 and BF16 supported).
 */
public final class Safetensors {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L << 20;

  private Safetensors() {}

  /** Shape and dtype of one tensor, from the header only. */
  public record TensorInfo(String dtype, long[] shape) {
    public long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /** Reads just the header: names, dtypes and shapes, without loading tensor data. */
  public static Map<String, TensorInfo> readHeader(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      JsonNode header = header(ch, file);
      Map<String, TensorInfo> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getKey().equals("__metadata__")) {
          out.put(e.getKey(), info(e.getValue()));
        }
      }
      return out;
    }
  }

  /** Reads every tensor as a float array in row-major order. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      JsonNode header = header(ch, file);
      long dataStart = 8 + headerLength(ch);
      long size = ch.size();
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        TensorInfo info = info(e.getValue());
        long begin = e.getValue().get("data_offsets").get(0).asLong();
        long end = e.getValue().get("data_offsets").get(1).asLong();
        int width = width(info.dtype(), file);
        if (begin < 0 || end < begin || dataStart + end > size) {
          throw new IOException(file + ": tensor " + e.getKey() + " lies outside the file");
        }
        if ((end - begin) != info.elements() * width) {
          throw new IOException(file + ": tensor " + e.getKey() + " size does not match shape");
        }
        ByteBuffer buf =
            ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin)
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] data = new float[Math.toIntExact(info.elements())];
        for (int i = 0; i < data.length; i++) {
          data[i] =
              switch (info.dtype()) {
                case "F32" -> buf.getFloat();
                case "F16" -> halfToFloat(buf.getShort());
                default -> Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
              };
        }
        out.put(e.getKey(), new Tensor(info.shape(), data));
      }
      return out;
    }
  }

  /** Writes tensors as F32 with optional string metadata. */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", "F32");
      var shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      long bytes = 4L * e.getValue().data().length;
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    // Pad the header with spaces so tensor data starts 8-byte aligned, as the reference writer
    // does.
    int padded = (json.length + 7) / 8 * 8;
    byte[] headerBytes = new byte[padded];
    java.util.Arrays.fill(headerBytes, (byte) ' ');
    System.arraycopy(json, 0, headerBytes, 0, json.length);
    try (OutputStream out = Files.newOutputStream(file)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(headerBytes);
      for (Tensor t : tensors.values()) {
        ByteBuffer buf = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(t.data());
        out.write(buf.array());
      }
    }
  }

  /** IEEE 754 binary16 to float (Float.float16ToFloat needs Java 20). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  private static long headerLength(FileChannel ch) throws IOException {
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    ch.read(len, 0);
    len.flip();
    if (len.remaining() < 8) {
      throw new IOException("not a safetensors file: shorter than 8 bytes");
    }
    return len.getLong();
  }

  private static JsonNode header(FileChannel ch, Path file) throws IOException {
    long n = headerLength(ch);
    if (n <= 0 || n > MAX_HEADER || 8 + n > ch.size()) {
      throw new IOException(file + ": bad safetensors header length " + n);
    }
    ByteBuffer buf = ByteBuffer.allocate((int) n);
    ch.read(buf, 8);
    JsonNode node = JSON.readTree(new String(buf.array(), StandardCharsets.UTF_8));
    if (node == null || !node.isObject()) {
      throw new IOException(file + ": safetensors header is not a JSON object");
    }
    return node;
  }

  private static TensorInfo info(JsonNode n) {
    JsonNode shapeNode = n.get("shape");
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong();
    }
    return new TensorInfo(n.get("dtype").asText(), shape);
  }

  private static int width(String dtype, Path file) throws IOException {
    return switch (dtype) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      default -> throw new IOException(file + ": unsupported dtype " + dtype);
    };
  }
}
