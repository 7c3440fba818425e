package io.payable.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reader and writer for the safetensors format: an 8-byte little-endian header length, a JSON
 * header mapping tensor names to dtype, shape and byte offsets, then the raw little-endian tensors.
 * DJL's PyTorch engine has no safetensors reader, and the format is small enough to implement here.
 * Tensors are read into {@code float[]} from F32, F16 or BF16; they are written as F32.
 */
public final class Safetensors {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L << 20;

  private Safetensors() {}

  /** One tensor's entry in a header. */
  public record TensorInfo(String dtype, long[] shape, long begin, long end) {
    public long elements() {
      return Tensor.elements(shape);
    }
  }

  /** A file's header: tensor entries in file order and where the data starts. */
  public record Header(Path file, Map<String, TensorInfo> tensors, long dataStart) {}

  /** Reads just the header: names, dtypes, shapes and offsets, without loading tensor data. */
  public static Header readHeader(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(len, 0);
      len.flip();
      if (len.remaining() < 8) {
        throw new InvalidModelException(file + ": not a safetensors file (shorter than 8 bytes)");
      }
      long n = len.getLong();
      if (n <= 0 || n > MAX_HEADER || 8 + n > ch.size()) {
        throw new InvalidModelException(file + ": bad safetensors header length " + n);
      }
      ByteBuffer buf = ByteBuffer.allocate((int) n);
      ch.read(buf, 8);
      JsonNode node;
      try {
        node = JSON.readTree(new String(buf.array(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new InvalidModelException(file + ": safetensors header is not JSON");
      }
      if (node == null || !node.isObject()) {
        throw new InvalidModelException(file + ": safetensors header is not a JSON object");
      }
      long dataLength = ch.size() - 8 - n;
      Map<String, TensorInfo> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        TensorInfo info = info(file, e.getKey(), e.getValue());
        if (info.begin() < 0 || info.end() < info.begin() || info.end() > dataLength) {
          throw new InvalidModelException(
              file + ": tensor " + e.getKey() + " lies outside the file");
        }
        out.put(e.getKey(), info);
      }
      return new Header(file, out, 8 + n);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Reads every tensor of a file as a float array in row-major order. */
  public static Map<String, Tensor> read(Path file) {
    Header h = readHeader(file);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String name : h.tensors().keySet()) {
      out.put(name, readTensor(h, name));
    }
    return out;
  }

  /** Reads one tensor named in a header. */
  public static Tensor readTensor(Header h, String name) {
    TensorInfo info = h.tensors().get(name);
    if (info == null) {
      throw new InvalidModelException(h.file() + ": no tensor " + name);
    }
    int width = width(h.file(), name, info.dtype());
    if (info.end() - info.begin() != info.elements() * width) {
      throw new InvalidModelException(
          h.file()
              + ": tensor "
              + name
              + " holds "
              + (info.end() - info.begin())
              + " bytes, its shape "
              + Arrays.toString(info.shape())
              + " and dtype "
              + info.dtype()
              + " need "
              + info.elements() * width);
    }
    if (info.elements() > Integer.MAX_VALUE - 8) {
      throw new InvalidModelException(h.file() + ": tensor " + name + " is too large");
    }
    try (FileChannel ch = FileChannel.open(h.file(), StandardOpenOption.READ)) {
      ByteBuffer buf =
          ch.map(
                  FileChannel.MapMode.READ_ONLY,
                  h.dataStart() + info.begin(),
                  info.end() - info.begin())
              .order(ByteOrder.LITTLE_ENDIAN);
      float[] data = new float[(int) info.elements()];
      switch (info.dtype()) {
        case "F32" -> buf.asFloatBuffer().get(data);
        case "F16" -> {
          for (int i = 0; i < data.length; i++) {
            data[i] = halfToFloat(buf.getShort());
          }
        }
        default -> {
          for (int i = 0; i < data.length; i++) {
            data[i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
          }
        }
      }
      return new Tensor(info.shape(), data);
    } catch (IOException e) {
      throw new UncheckedIOException(h.file() + ": " + e.getMessage(), e);
    }
  }

  /** Writes tensors as F32, in map order, with optional string metadata. */
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
    Arrays.fill(headerBytes, (byte) ' ');
    System.arraycopy(json, 0, headerBytes, 0, json.length);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
      out.write(headerBytes);
      for (Tensor t : tensors.values()) {
        ByteBuffer buf = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer fb = buf.asFloatBuffer();
        fb.put(t.data());
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

  private static TensorInfo info(Path file, String name, JsonNode n) {
    JsonNode shapeNode = n.get("shape");
    JsonNode dtype = n.get("dtype");
    JsonNode offsets = n.get("data_offsets");
    if (shapeNode == null
        || !shapeNode.isArray()
        || dtype == null
        || offsets == null
        || offsets.size() != 2) {
      throw new InvalidModelException(file + ": tensor " + name + " has a malformed header entry");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong();
      if (shape[i] < 0) {
        throw new InvalidModelException(file + ": tensor " + name + " has a negative dimension");
      }
    }
    return new TensorInfo(dtype.asText(), shape, offsets.get(0).asLong(), offsets.get(1).asLong());
  }

  private static int width(Path file, String name, String dtype) {
    return switch (dtype) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      default ->
          throw new InvalidModelException(
              file + ": tensor " + name + " has dtype " + dtype + "; supported: F32, F16, BF16");
    };
  }
}
