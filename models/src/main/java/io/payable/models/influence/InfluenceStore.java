package io.payable.models.influence;

import io.payable.models.Projection;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * An adapter's influence store, format version 1 (docs/formats.md, "Influence store"): the
 * projection seed and layout, the preconditioner, one bfloat16 sketch per training example and its
 * provenance. Written once at the end of training; read memory-mapped by scorers.
 */
public final class InfluenceStore {
  public static final int FORMAT_VERSION = 1;
  static final byte[] MAGIC = {'P', 'A', 'Y', 'I', 'N', 'F', 'L', 0};
  static final int HEADER = 128;
  static final int FACTOR_ENTRY = 24;
  static final int ALIGN = 4096;
  static final int ENCODING_BF16 = 1;

  /** Sketches per mapped region: whole examples, at most 1 GiB. */
  private static final long REGION = 1L << 30;

  private final SketchLayout layout;
  private final byte[] seed;
  private final double damping;
  private final long examples;
  private final BlockPreconditioner preconditioner;
  private final List<MappedByteBuffer> sketchRegions;
  private final long perRegion;
  private final ByteBuffer provenance;

  private InfluenceStore(
      SketchLayout layout,
      byte[] seed,
      double damping,
      long examples,
      BlockPreconditioner preconditioner,
      List<MappedByteBuffer> sketchRegions,
      long perRegion,
      ByteBuffer provenance) {
    this.layout = layout;
    this.seed = seed;
    this.damping = damping;
    this.examples = examples;
    this.preconditioner = preconditioner;
    this.sketchRegions = sketchRegions;
    this.perRegion = perRegion;
    this.provenance = provenance;
  }

  /**
   * What {@link #write} wrote: the file's SHA-256 (lower-case hex), size, sketch dimension and
   * number of examples.
   */
  public record Written(String sha256, long bytes, int dimension, long examples) {}

  /**
   * Writes a store: the sketches are rounded to bfloat16 and the preconditioner fitted to the
   * rounded values (so anyone can refit it from the store), then everything is written in one pass.
   */
  public static Written write(
      Path file,
      SketchLayout layout,
      byte[] projectionSeed,
      double damping,
      List<float[]> sketches,
      List<ExampleProvenance> provenance)
      throws IOException {
    if (projectionSeed.length != 32) {
      throw new IllegalArgumentException("the projection seed is 32 bytes");
    }
    if (sketches.size() != provenance.size()) {
      throw new IllegalArgumentException(
          sketches.size() + " sketches for " + provenance.size() + " examples");
    }
    int d = layout.dimension();
    List<short[]> encoded = new ArrayList<>(sketches.size());
    List<float[]> decoded = new ArrayList<>(sketches.size());
    for (float[] s : sketches) {
      if (s.length != d) {
        throw new IllegalArgumentException("sketch of dimension " + s.length + ", expected " + d);
      }
      short[] e = new short[d];
      float[] back = new float[d];
      for (int j = 0; j < d; j++) {
        e[j] = Bfloat16.encode(s[j]);
        back[j] = Bfloat16.decode(e[j]);
      }
      encoded.add(e);
      decoded.add(back);
    }
    BlockPreconditioner pre = BlockPreconditioner.fit(layout, decoded, damping);
    int nf = layout.factors().size();
    long preOffset = align(HEADER + (long) nf * FACTOR_ENTRY, 64);
    long preBytes = 0;
    for (SketchFactor f : layout.factors()) {
      preBytes += 4L * f.size() * f.size();
    }
    long sketchOffset = align(preOffset + preBytes, ALIGN);
    long sketchBytes = 2L * d * sketches.size();
    long provOffset = align(sketchOffset + sketchBytes, 64);
    byte[] prov = provenanceBytes(provenance);

    MessageDigest sha = sha256();
    long written;
    try (OutputStream raw = Files.newOutputStream(file);
        DigestOutputStream out =
            new DigestOutputStream(new java.io.BufferedOutputStream(raw, 1 << 16), sha)) {
      ByteBuffer h = le(HEADER + nf * FACTOR_ENTRY);
      h.put(MAGIC).putInt(FORMAT_VERSION).putInt(nf).putInt(d).putInt(ENCODING_BF16);
      h.putLong(sketches.size()).put(projectionSeed).putDouble(damping);
      h.putLong(preOffset).putLong(sketchOffset).putLong(provOffset).putLong(prov.length);
      h.position(HEADER);
      for (SketchFactor f : layout.factors()) {
        h.putInt(f.layer())
            .put((byte) f.projection().ordinal())
            .put((byte) f.matrix())
            .putShort((short) 0);
        h.putInt(f.rows()).putInt(f.cols()).putInt(f.kOut()).putInt(f.kIn());
      }
      out.write(h.array());
      long at = h.capacity();
      at = pad(out, at, preOffset);
      for (int f = 0; f < nf; f++) {
        float[] inv = pre.inverse(f);
        ByteBuffer b = le(4 * inv.length);
        for (float v : inv) {
          b.putFloat(v);
        }
        out.write(b.array());
        at += b.capacity();
      }
      at = pad(out, at, sketchOffset);
      ByteBuffer row = le(2 * d);
      for (short[] e : encoded) {
        row.clear();
        for (short v : e) {
          row.putShort(v);
        }
        out.write(row.array());
        at += row.capacity();
      }
      at = pad(out, at, provOffset);
      out.write(prov);
      written = at + prov.length;
    }
    return new Written(HexFormat.of().formatHex(sha.digest()), written, d, sketches.size());
  }

  /** Opens a store memory-mapped, checking its header and section bounds. */
  public static InfluenceStore open(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < HEADER) {
        throw bad(file, "shorter than its header");
      }
      ByteBuffer h =
          ch.map(FileChannel.MapMode.READ_ONLY, 0, HEADER).order(ByteOrder.LITTLE_ENDIAN);
      byte[] magic = new byte[8];
      h.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw bad(file, "not an influence store");
      }
      int version = h.getInt();
      if (version != FORMAT_VERSION) {
        throw bad(file, "format version " + version + ", this reader knows " + FORMAT_VERSION);
      }
      int nf = h.getInt();
      int d = h.getInt();
      int encoding = h.getInt();
      long n = h.getLong();
      byte[] seed = new byte[32];
      h.get(seed);
      double damping = h.getDouble();
      long preOffset = h.getLong();
      long sketchOffset = h.getLong();
      long provOffset = h.getLong();
      long provBytes = h.getLong();
      if (encoding != ENCODING_BF16 || nf < 1 || d < 1 || n < 0) {
        throw bad(file, "bad header");
      }
      ByteBuffer ft =
          ch.map(FileChannel.MapMode.READ_ONLY, HEADER, (long) nf * FACTOR_ENTRY)
              .order(ByteOrder.LITTLE_ENDIAN);
      List<SketchFactor> factors = new ArrayList<>();
      for (int f = 0; f < nf; f++) {
        int layer = ft.getInt();
        int proj = ft.get();
        char matrix = (char) ft.get();
        ft.getShort();
        if (proj < 0 || proj >= Projection.values().length) {
          throw bad(file, "factor " + f + " has projection " + proj);
        }
        factors.add(
            new SketchFactor(
                layer,
                Projection.values()[proj],
                matrix,
                ft.getInt(),
                ft.getInt(),
                ft.getInt(),
                ft.getInt()));
      }
      SketchLayout layout = SketchLayout.of(factors);
      if (layout.dimension() != d) {
        throw bad(file, "layout dimension " + layout.dimension() + " != header " + d);
      }
      long preBytes = 0;
      for (SketchFactor f : factors) {
        preBytes += 4L * f.size() * f.size();
      }
      long perExample = 2L * d;
      if (preOffset + preBytes > sketchOffset
          || sketchOffset + perExample * n > provOffset
          || provOffset + provBytes != size) {
        throw bad(file, "sections out of bounds");
      }
      ByteBuffer pb =
          ch.map(FileChannel.MapMode.READ_ONLY, preOffset, preBytes).order(ByteOrder.LITTLE_ENDIAN);
      List<float[]> inverses = new ArrayList<>();
      for (SketchFactor f : factors) {
        float[] m = new float[f.size() * f.size()];
        for (int i = 0; i < m.length; i++) {
          m[i] = pb.getFloat();
        }
        inverses.add(m);
      }
      long perRegion = Math.max(1, REGION / perExample);
      List<MappedByteBuffer> regions = new ArrayList<>();
      for (long from = 0; from < n; from += perRegion) {
        long count = Math.min(perRegion, n - from);
        MappedByteBuffer r =
            ch.map(
                FileChannel.MapMode.READ_ONLY,
                sketchOffset + from * perExample,
                count * perExample);
        r.order(ByteOrder.LITTLE_ENDIAN);
        regions.add(r);
      }
      ByteBuffer prov =
          ch.map(FileChannel.MapMode.READ_ONLY, provOffset, provBytes)
              .order(ByteOrder.LITTLE_ENDIAN);
      if (provBytes < 8 * (n + 1)) {
        throw bad(file, "provenance shorter than its offset table");
      }
      return new InfluenceStore(
          layout,
          seed,
          damping,
          n,
          BlockPreconditioner.of(layout, inverses),
          regions,
          perRegion,
          prov);
    }
  }

  public SketchLayout layout() {
    return layout;
  }

  public byte[] projectionSeed() {
    return seed.clone();
  }

  public double damping() {
    return damping;
  }

  public long examples() {
    return examples;
  }

  public BlockPreconditioner preconditioner() {
    return preconditioner;
  }

  /** Example n's stored sketch, decoded. */
  public float[] sketch(long n) {
    float[] out = new float[layout.dimension()];
    readSketch(n, out);
    return out;
  }

  /** Example n's stored bfloat16 bits, into {@code raw} (of the sketch's dimension). */
  void readRaw(long n, short[] raw) {
    if (n < 0 || n >= examples) {
      throw new IndexOutOfBoundsException("example " + n + " of " + examples);
    }
    if (raw.length != layout.dimension()) {
      throw new IllegalArgumentException("buffer of " + raw.length + " entries");
    }
    ByteBuffer r = sketchRegions.get((int) (n / perRegion));
    int at = (int) ((n % perRegion) * 2L * raw.length);
    r.asShortBuffer().get(at / 2, raw);
  }

  private void readSketch(long n, float[] into) {
    readSketch(n, into, new short[into.length]);
  }

  private void readSketch(long n, float[] into, short[] raw) {
    if (n < 0 || n >= examples) {
      throw new IndexOutOfBoundsException("example " + n + " of " + examples);
    }
    ByteBuffer r = sketchRegions.get((int) (n / perRegion));
    int at = (int) ((n % perRegion) * 2L * into.length);
    r.asShortBuffer().get(at / 2, raw);
    for (int j = 0; j < into.length; j++) {
      into[j] = Float.intBitsToFloat((raw[j] & 0xFFFF) << 16);
    }
  }

  /** Every example's score for a preconditioned query ({@link InfluenceScorer}'s order). */
  public double[] scores(double[] preconditioned) {
    if (preconditioned.length != layout.dimension()) {
      throw new IllegalArgumentException("query of dimension " + preconditioned.length);
    }
    double[] out = new double[Math.toIntExact(examples)];
    float[] buf = new float[layout.dimension()];
    short[] raw = new short[layout.dimension()];
    for (int n = 0; n < out.length; n++) {
      readSketch(n, buf, raw);
      out[n] = InfluenceScorer.score(preconditioned, buf, 0);
    }
    return out;
  }

  /** Example n's provenance. */
  public ExampleProvenance provenance(long n) {
    if (n < 0 || n >= examples) {
      throw new IndexOutOfBoundsException("example " + n + " of " + examples);
    }
    long table = 8 * (examples + 1);
    int at = Math.toIntExact(table + provenance.getLong((int) (8 * n)));
    int count = provenance.getInt(at);
    at += 4;
    List<ExampleProvenance.Piece> pieces = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int tokens = provenance.getInt(at);
      String contributor = utf8(at + 4);
      at += 6 + (provenance.getShort(at + 4) & 0xFFFF);
      String id = utf8(at);
      at += 2 + (provenance.getShort(at) & 0xFFFF);
      pieces.add(new ExampleProvenance.Piece(id, contributor, tokens));
    }
    return new ExampleProvenance(pieces);
  }

  private String utf8(int at) {
    byte[] b = new byte[provenance.getShort(at) & 0xFFFF];
    provenance.get(at + 2, b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static byte[] provenanceBytes(List<ExampleProvenance> examples) {
    List<byte[]> records = new ArrayList<>(examples.size());
    long total = 0;
    for (ExampleProvenance e : examples) {
      java.io.ByteArrayOutputStream r = new java.io.ByteArrayOutputStream();
      ByteBuffer b = le(4);
      b.putInt(e.pieces().size());
      r.writeBytes(b.array());
      for (ExampleProvenance.Piece p : e.pieces()) {
        ByteBuffer t = le(4);
        t.putInt(p.targetTokens());
        r.writeBytes(t.array());
        r.writeBytes(lengthPrefixed(p.contributor()));
        r.writeBytes(lengthPrefixed(p.contributionId()));
      }
      byte[] bytes = r.toByteArray();
      records.add(bytes);
      total += bytes.length;
    }
    ByteBuffer b = le(Math.toIntExact(8L * (examples.size() + 1) + total));
    long at = 0;
    for (byte[] r : records) {
      b.putLong(at);
      at += r.length;
    }
    b.putLong(at);
    for (byte[] r : records) {
      b.put(r);
    }
    return b.array();
  }

  private static byte[] lengthPrefixed(String s) {
    byte[] u = s.getBytes(StandardCharsets.UTF_8);
    if (u.length > 0xFFFF) {
      throw new IllegalArgumentException("an id of " + u.length + " bytes is too long");
    }
    ByteBuffer b = le(2 + u.length);
    b.putShort((short) u.length).put(u);
    return b.array();
  }

  private static long pad(OutputStream out, long at, long to) throws IOException {
    if (to > at) {
      out.write(new byte[Math.toIntExact(to - at)]);
    }
    return to;
  }

  private static long align(long at, int to) {
    return (at + to - 1) / to * to;
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static IOException bad(Path file, String why) {
    return new IOException("influence store " + file.getFileName() + ": " + why);
  }
}
