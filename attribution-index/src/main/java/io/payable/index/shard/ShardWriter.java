package io.payable.index.shard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.payable.index.sais.SuffixArrays;
import io.payable.index.tokenize.Hashing;
import io.payable.index.tokenize.Tokenizer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accumulates documents and writes them as one immutable shard directory.
 *
 * <p>Symbols are token id + 1; every document is followed by the separator 0. The directory is
 * written under a temporary name next to the target and renamed into place, so readers never see a
 * half-written shard.
 */
public final class ShardWriter {

  private static final Logger LOG = LoggerFactory.getLogger(ShardWriter.class);

  /** Largest shard: suffix-array entries are u32 and Java arrays hold fewer than 2^31 ints. */
  public static final int MAX_SYMBOLS = Integer.MAX_VALUE - 16;

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Tokenizer tokenizer;
  private final List<DocumentRecord> docs = new ArrayList<>();
  private int[] symbols;
  private int size;

  public ShardWriter(Tokenizer tokenizer) {
    this(tokenizer, 1024);
  }

  /**
   * @param capacity symbols to allocate up front: a writer that knows its shard's size never copies
   *     its symbol array to grow it (which would briefly need three times the memory)
   */
  public ShardWriter(Tokenizer tokenizer, int capacity) {
    if (capacity < 1 || capacity > MAX_SYMBOLS) {
      throw new IllegalArgumentException("capacity out of range: " + capacity);
    }
    this.tokenizer = tokenizer;
    this.symbols = new int[capacity];
  }

  /** Tokenizes and appends a document. */
  public ShardWriter add(Document doc) {
    int[] tokens = tokenizer.encode(doc.text());
    String hash = Hashing.sha256Hex(doc.text().getBytes(StandardCharsets.UTF_8));
    return addTokens(doc.docId(), doc.datanet(), doc.contributor(), tokens, hash);
  }

  /** Appends an already tokenized document (compaction copies documents this way). */
  public ShardWriter addTokens(
      String docId, String datanet, String contributor, int[] tokens, String contentHash) {
    long needed = (long) size + tokens.length + 1;
    if (needed > MAX_SYMBOLS) {
      throw new IllegalStateException("shard would exceed " + MAX_SYMBOLS + " symbols");
    }
    if (needed > symbols.length) {
      symbols = Arrays.copyOf(symbols, (int) Math.min(MAX_SYMBOLS, Math.max(needed, 2L * size)));
    }
    int vocab = tokenizer.vocabularySize();
    docs.add(new DocumentRecord(docId, datanet, contributor, size, tokens.length, contentHash));
    for (int token : tokens) {
      if (token < 0 || token >= vocab) {
        throw new IllegalArgumentException("token " + token + " outside vocabulary of " + docId);
      }
      symbols[size++] = token + 1;
    }
    symbols[size++] = 0;
    return this;
  }

  /** Symbols so far, separators included. */
  public long symbolCount() {
    return size;
  }

  public int documentCount() {
    return docs.size();
  }

  /** Builds the suffix array and writes the shard to {@code dir}, which must not exist yet. */
  public ShardManifest write(Path dir) {
    try {
      return writeUnchecked(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write shard " + dir, e);
    }
  }

  private ShardManifest writeUnchecked(Path dir) throws IOException {
    if (Files.exists(dir)) {
      throw new IOException("shard directory already exists: " + dir);
    }
    Path parent = dir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = parent.resolve("." + dir.getFileName() + ".tmp-" + UUID.randomUUID());
    Files.createDirectory(tmp);
    try {
      int alphabet = tokenizer.vocabularySize() + 1;
      long start = System.nanoTime();
      int[] sa = SuffixArrays.build(symbols, size, alphabet);
      LOG.debug("suffix array of {} symbols in {} ms", size, (System.nanoTime() - start) / 1e6);

      Map<String, ShardManifest.FileInfo> files = new LinkedHashMap<>();
      int tokenBytes = ShardManifest.tokenBytesFor(alphabet);
      files.put(
          ShardFiles.TOKENS, writeInts(tmp.resolve(ShardFiles.TOKENS), symbols, size, tokenBytes));
      files.put(
          ShardFiles.SUFFIX_ARRAY, writeInts(tmp.resolve(ShardFiles.SUFFIX_ARRAY), sa, size, 4));
      sa = null;
      files.put(ShardFiles.DOCUMENTS, writeDocuments(tmp.resolve(ShardFiles.DOCUMENTS)));
      files.put(ShardFiles.UNIGRAMS, writeUnigrams(tmp.resolve(ShardFiles.UNIGRAMS), alphabet));
      ShardManifest manifest =
          new ShardManifest(
              ShardManifest.FORMAT,
              ShardManifest.VERSION,
              new ShardManifest.TokenizerInfo(
                  tokenizer.id(), tokenizer.vocabularyHash(), tokenizer.vocabularySize()),
              size,
              docs.size(),
              (long) size - docs.size(),
              alphabet,
              tokenBytes,
              files);
      JSON.writeValue(tmp.resolve(ShardFiles.MANIFEST).toFile(), manifest);
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir);
      }
      return manifest;
    } finally {
      if (Files.exists(tmp)) {
        deleteTree(tmp);
      }
    }
  }

  /** Writes {@code values[0, count)} little-endian in {@code width} (3 or 4) bytes each. */
  private ShardManifest.FileInfo writeInts(Path file, int[] values, int count, int width)
      throws IOException {
    MessageDigest digest = Hashing.sha256();
    byte[] buf = new byte[3 << 16];
    int full = buf.length - buf.length % width;
    try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), digest)) {
      int p = 0;
      for (int i = 0; i < count; i++) {
        int v = values[i];
        buf[p] = (byte) v;
        buf[p + 1] = (byte) (v >>> 8);
        buf[p + 2] = (byte) (v >>> 16);
        if (width == 4) {
          buf[p + 3] = (byte) (v >>> 24);
        }
        p += width;
        if (p == full) {
          out.write(buf, 0, p);
          p = 0;
        }
      }
      out.write(buf, 0, p);
    }
    return new ShardManifest.FileInfo(
        (long) width * count, HexFormat.of().formatHex(digest.digest()));
  }

  private ShardManifest.FileInfo writeDocuments(Path file) throws IOException {
    MessageDigest digest = Hashing.sha256();
    try (OutputStream out =
        new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file)), digest)) {
      DocumentTable.write(docs, out);
    }
    return new ShardManifest.FileInfo(Files.size(file), HexFormat.of().formatHex(digest.digest()));
  }

  /** Sparse (symbol, count) u32 pairs for every token symbol that occurs, by symbol. */
  private ShardManifest.FileInfo writeUnigrams(Path file, int alphabet) throws IOException {
    int[] counts = new int[alphabet];
    for (int i = 0; i < size; i++) {
      counts[symbols[i]]++;
    }
    int distinct = 0;
    for (int s = 1; s < alphabet; s++) {
      if (counts[s] > 0) {
        distinct++;
      }
    }
    int[] pairs = new int[2 * distinct];
    int p = 0;
    for (int s = 1; s < alphabet; s++) {
      if (counts[s] > 0) {
        pairs[p++] = s;
        pairs[p++] = counts[s];
      }
    }
    return writeInts(file, pairs, pairs.length, 4);
  }

  static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
