package io.payable.index.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.payable.index.tokenize.ByteTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code bytes} shard of one document has {@code sa = [n] + divsufsort(bytes)}. Runs only where
 * the libdivsufsort driver of {@code bench/index} has been built ({@code bench/index/run.sh} or
 * {@code .ci/run}, which also sets {@code PAYABLE_REQUIRE_DIVSUFSORT=true} so that CI fails rather
 * than skips without it).
 */
class DivsufsortComparisonTest {

  private static final Path DRIVER = Path.of("..", "bench", "index", "target", "dss");

  @TempDir Path tmp;

  @Test
  void bytesShardSuffixArrayEqualsLibdivsufsort() throws Exception {
    if ("true".equals(System.getenv("PAYABLE_REQUIRE_DIVSUFSORT"))) {
      assertThat(DRIVER).as("libdivsufsort driver (built by .ci/run)").isExecutable();
    }
    assumeTrue(Files.isExecutable(DRIVER), "libdivsufsort driver not built");
    Random random = new Random(5);
    StringBuilder sb = new StringBuilder();
    String[] words = {"the ", "whale ", "sea ", "ship ", "Ahab ", "call ", "me ", ". ", "\n"};
    while (sb.length() < 200_000) {
      sb.append(words[random.nextInt(words.length)]);
    }
    String text = sb.toString();
    Path input = tmp.resolve("input.txt");
    Files.writeString(input, text, StandardCharsets.UTF_8);
    Path expected = tmp.resolve("dss.sa");
    Process p =
        new ProcessBuilder(DRIVER.toString(), input.toString(), expected.toString(), "1")
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();

    Path shard = tmp.resolve("shard-000000");
    new ShardWriter(new ByteTokenizer()).add(new Document("d", "n", "c", text)).write(shard);
    byte[] sa = Files.readAllBytes(shard.resolve(ShardFiles.SUFFIX_ARRAY));
    byte[] dss = Files.readAllBytes(expected);
    assertThat(Arrays.copyOfRange(sa, 4, sa.length)).isEqualTo(dss);
  }
}
