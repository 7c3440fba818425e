package io.payable.index.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.payable.index.sais.SuffixArrays;
import io.payable.index.tokenize.ByteTokenizer;
import io.payable.index.tokenize.TiktokenTokenizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our suffix arrays against libdivsufsort's, byte for byte: a {@code bytes} shard of one document
 * ({@code sa = [n] + divsufsort(bytes)}), the byte-alphabet build, and the o200k token build
 * (libdivsufsort sorts the tokens written as 3 big-endian bytes each, keeping the suffixes at
 * multiples of 3). Runs only where the libdivsufsort driver of {@code bench/index} has been built
 * ({@code bench/index/run.sh} or {@code .ci/run}, which also sets {@code
 * PAYABLE_REQUIRE_DIVSUFSORT=true} so that CI fails rather than skips without it).
 */
class DivsufsortComparisonTest {

  private static final Path DRIVER = Path.of("..", "bench", "index", "target", "dss");

  @TempDir Path tmp;

  private String text;
  private byte[] bytes;

  @BeforeEach
  void text() {
    if ("true".equals(System.getenv("PAYABLE_REQUIRE_DIVSUFSORT"))) {
      assertThat(DRIVER).as("libdivsufsort driver (built by .ci/run)").isExecutable();
    }
    assumeTrue(Files.isExecutable(DRIVER), "libdivsufsort driver not built");
    Random random = new Random(5);
    StringBuilder sb = new StringBuilder();
    String[] words = {
      "the ",
      "whale ",
      "sea ",
      "ship ",
      "Ahab ",
      "call ",
      "me ",
      ". ",
      "\n",
      "Ishmael, ",
      "harpoon "
    };
    while (sb.length() < 300_000) {
      sb.append(words[random.nextInt(words.length)]);
    }
    text = sb.toString();
    bytes = text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void bytesShardSuffixArrayEqualsLibdivsufsort() throws Exception {
    byte[] dss = divsufsort(bytes, false);
    Path shard = tmp.resolve("shard-000000");
    new ShardWriter(new ByteTokenizer()).add(new Document("d", "n", "c", text)).write(shard);
    byte[] sa = Files.readAllBytes(shard.resolve(ShardFiles.SUFFIX_ARRAY));
    assertThat(Arrays.copyOfRange(sa, 4, sa.length)).isEqualTo(dss);
  }

  @Test
  void byteAlphabetBuildEqualsLibdivsufsort() throws Exception {
    int[] symbols = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      symbols[i] = bytes[i] & 0xff;
    }
    assertThat(SuffixArrays.build(symbols, symbols.length, 256))
        .isEqualTo(ints(divsufsort(bytes, false)));
  }

  @Test
  void o200kTokenBuildEqualsLibdivsufsort() throws Exception {
    TiktokenTokenizer o200k = TiktokenTokenizer.o200kBase();
    int[] tokens = o200k.encode(text);
    ByteBuffer u32 = ByteBuffer.allocate(4 * tokens.length).order(ByteOrder.LITTLE_ENDIAN);
    int[] symbols = new int[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      symbols[i] = tokens[i] + 1;
      u32.putInt(symbols[i]);
    }
    assertThat(SuffixArrays.build(symbols, symbols.length, o200k.vocabularySize() + 1))
        .isEqualTo(ints(divsufsort(u32.array(), true)));
  }

  private byte[] divsufsort(byte[] input, boolean u32) throws Exception {
    Path in = tmp.resolve(u32 ? "input.u32" : "input.txt");
    Files.write(in, input);
    Path out = tmp.resolve(u32 ? "dss-u32.sa" : "dss.sa");
    ProcessBuilder pb =
        u32
            ? new ProcessBuilder(DRIVER.toString(), in.toString(), out.toString(), "1", "u32")
            : new ProcessBuilder(DRIVER.toString(), in.toString(), out.toString(), "1");
    Process p = pb.redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return Files.readAllBytes(out);
  }

  private static int[] ints(byte[] le) {
    int[] out = new int[le.length / 4];
    ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
    return out;
  }
}
