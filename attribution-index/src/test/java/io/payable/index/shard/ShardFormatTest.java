package io.payable.index.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.index.tokenize.ByteTokenizer;
import io.payable.index.tokenize.TiktokenTokenizer;
import io.payable.index.tokenize.Tokenizer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShardFormatTest {

  @TempDir Path tmp;

  private static final List<Document> DOCS =
      List.of(
          new Document("d1", "medicine", "0xaaa", "Call me Ishmael. Some years ago, never mind."),
          new Document("d2", "medicine", "0xbbb", "It was the best of times, it was the worst."),
          new Document("d3", "law", "0xaaa", "Some years ago the court ruled otherwise."));

  private Path writeShard(Tokenizer tokenizer) {
    ShardWriter writer = new ShardWriter(tokenizer);
    DOCS.forEach(writer::add);
    Path dir = tmp.resolve("shard-000000");
    writer.write(dir);
    return dir;
  }

  @Test
  void roundTripsDocumentsAndCounts() {
    Tokenizer tokenizer = TiktokenTokenizer.o200kBase();
    Path dir = writeShard(tokenizer);
    Shard shard = Shard.open(dir);
    ShardManifest m = shard.manifest();
    assertThat(m.tokenizer().id()).isEqualTo("o200k_base");
    assertThat(m.tokenizer().vocabularyHash()).isEqualTo(tokenizer.vocabularyHash());
    assertThat(m.documents()).isEqualTo(3);
    assertThat(shard.documents())
        .extracting(DocumentRecord::docId)
        .containsExactly("d1", "d2", "d3");
    assertThat(shard.documents().get(2).contributor()).isEqualTo("0xaaa");
    assertThat(shard.count(tokenizer.encode(" years ago"))).isEqualTo(2);
    assertThat(shard.count(tokenizer.encode(" was"))).isEqualTo(2);
    assertThat(tokenizer.decode(shard.documentTokens(1, 0, Integer.MAX_VALUE)))
        .isEqualTo(DOCS.get(1).text());
    // Every document ends with the separator, which sorts first in the suffix array.
    for (int r = 0; r < 3; r++) {
      assertThat(shard.symbolAt(shard.suffixAt(r))).isZero();
    }
    assertThat(tmp).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith("."));
  }

  @Test
  void sizeOnDiskIsAtMostSevenBytesPerSymbolPlusTables() throws IOException {
    Tokenizer tokenizer = new ByteTokenizer();
    ShardWriter writer = new ShardWriter(tokenizer);
    Random random = new Random(7);
    for (int d = 0; d < 200; d++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 500; i++) {
        sb.append((char) ('a' + random.nextInt(26)));
      }
      writer.add(new Document("doc" + d, "dn", "0x" + d, sb.toString()));
    }
    Path dir = tmp.resolve("shard-000000");
    writer.write(dir);
    long symbols = Shard.open(dir).symbolCount();
    long tokens = Files.size(dir.resolve(ShardFiles.TOKENS));
    long sa = Files.size(dir.resolve(ShardFiles.SUFFIX_ARRAY));
    long docTable = Files.size(dir.resolve(ShardFiles.DOCUMENTS));
    long unigrams = Files.size(dir.resolve(ShardFiles.UNIGRAMS));
    long manifest = Files.size(dir.resolve(ShardFiles.MANIFEST));
    long total;
    try (var files = Files.list(dir)) {
      total = files.mapToLong(p -> p.toFile().length()).sum();
    }
    // Token symbols in 3 bytes (u24), suffix-array entries in 4.
    assertThat(tokens).isEqualTo(3 * symbols);
    assertThat(sa).isEqualTo(4 * symbols);
    // Unigram counts are sparse (8 bytes per distinct token) and the manifest is small.
    assertThat(unigrams).isEqualTo(8L * 26);
    assertThat(total).isLessThanOrEqualTo(7 * symbols + docTable + unigrams + manifest);
    assertThat(unigrams + manifest).isLessThan(symbols / 20);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tokens", "sa", "docs.arrow", "unigrams"})
  void refusesCorruptedFileNamingIt(String name) throws IOException {
    Path dir = writeShard(new ByteTokenizer());
    Path file = dir.resolve(name);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long at = raf.length() / 2;
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x5a);
    }
    assertThatThrownBy(() -> Shard.open(dir))
        .isInstanceOf(ShardFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("corrupted");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tokens", "sa", "docs.arrow", "unigrams"})
  void refusesTruncatedFileNamingIt(String name) throws IOException {
    Path dir = writeShard(new ByteTokenizer());
    Path file = dir.resolve(name);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(raf.length() - 4);
    }
    assertThatThrownBy(() -> Shard.open(dir, false))
        .isInstanceOf(ShardFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("truncated");
  }

  @Test
  void refusesMissingOrBrokenManifest() throws IOException {
    Path dir = writeShard(new ByteTokenizer());
    Path manifest = dir.resolve(ShardFiles.MANIFEST);
    Files.writeString(manifest, "{\"format\": \"payable-index-shard\", ");
    assertThatThrownBy(() -> Shard.open(dir))
        .isInstanceOf(ShardFormatException.class)
        .hasMessageContaining(manifest.toString());
    Files.delete(manifest);
    assertThatThrownBy(() -> Shard.open(dir))
        .isInstanceOf(ShardFormatException.class)
        .hasMessageContaining(manifest.toString())
        .hasMessageContaining("missing");
  }

  /** Version 1 stored token symbols as u32; such shards still open and answer the same. */
  @Test
  void opensVersionOneShardsWithFourByteTokens() throws Exception {
    Tokenizer tokenizer = TiktokenTokenizer.o200kBase();
    Path dir = writeShard(tokenizer);
    assertThat(Shard.open(dir).manifest().tokenBytes()).isEqualTo(3);
    byte[] u24 = Files.readAllBytes(dir.resolve(ShardFiles.TOKENS));
    ByteBuffer u32 = ByteBuffer.allocate(u24.length / 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < u24.length; i += 3) {
      u32.putInt((u24[i] & 0xff) | (u24[i + 1] & 0xff) << 8 | (u24[i + 2] & 0xff) << 16);
    }
    Files.write(dir.resolve(ShardFiles.TOKENS), u32.array());
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(dir.resolve(ShardFiles.MANIFEST).toFile());
    manifest.put("format_version", 1);
    manifest.remove("token_bytes");
    ObjectNode tokensInfo = (ObjectNode) manifest.get("files").get(ShardFiles.TOKENS);
    tokensInfo.put("bytes", u32.capacity());
    tokensInfo.put(
        "sha256",
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(u32.array())));
    json.writeValue(dir.resolve(ShardFiles.MANIFEST).toFile(), manifest);

    Shard shard = Shard.open(dir);
    assertThat(shard.manifest().formatVersion()).isEqualTo(1);
    assertThat(shard.manifest().tokenBytes()).isEqualTo(4);
    assertThat(shard.count(tokenizer.encode(" years ago"))).isEqualTo(2);
    assertThat(tokenizer.decode(shard.documentTokens(1, 0, Integer.MAX_VALUE)))
        .isEqualTo(DOCS.get(1).text());
  }

  @Test
  void bytesShardSuffixArrayIsTheByteSuffixArrayAfterTheSeparator() throws IOException {
    String text = "abracadabra, mississippi; banana bandana";
    Path dir = tmp.resolve("shard-000000");
    new ShardWriter(new ByteTokenizer()).add(new Document("d", "n", "c", text)).write(dir);
    byte[] sa = Files.readAllBytes(dir.resolve(ShardFiles.SUFFIX_ARRAY));
    ByteBuffer buf = ByteBuffer.wrap(sa).order(ByteOrder.LITTLE_ENDIAN);
    int n = text.length();
    assertThat(buf.getInt(0)).isEqualTo(n); // the trailing separator sorts first
    String[] suffixes = new String[n];
    for (int i = 0; i < n; i++) {
      suffixes[i] = text.substring(buf.getInt(4 * (i + 1)));
    }
    for (int i = 1; i < n; i++) {
      assertThat(suffixes[i - 1].compareTo(suffixes[i])).isNegative();
    }
  }
}
