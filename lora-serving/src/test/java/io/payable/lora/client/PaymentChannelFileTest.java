package io.payable.lora.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaymentChannelFileTest {

  @TempDir Path dir;

  @Test
  void aMissingFileIsAChannelThatNeverPaid() {
    assertThat(new PaymentChannelFile(dir.resolve("none.json")).read())
        .isEqualTo(PaymentChannelFile.Totals.NONE);
  }

  @Test
  void totalsBeyondALongSurviveAndTheLastWriteWins() throws Exception {
    Path file = dir.resolve("payments").resolve("channel.json");
    PaymentChannelFile channel = new PaymentChannelFile(file);
    BigInteger big = BigInteger.TWO.pow(100).add(BigInteger.ONE);
    channel.write(new PaymentChannelFile.Totals(BigInteger.valueOf(7), BigInteger.valueOf(9)));
    channel.write(new PaymentChannelFile.Totals(big, big.add(BigInteger.TEN)));
    assertThat(new PaymentChannelFile(file).read())
        .isEqualTo(new PaymentChannelFile.Totals(big, big.add(BigInteger.TEN)));
    // Amounts are decimal strings, as the worker's payable object has them; no temp file is left.
    assertThat(Files.readString(file)).contains("\"" + big + "\"");
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void aDamagedFileIsRefusedInOneLineNamingIt() throws Exception {
    Path file = dir.resolve("channel.json");
    Files.writeString(file, "{\"charged_wei\": \"12x\"}");
    assertThatThrownBy(() -> new PaymentChannelFile(file).read())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString())
        .hasMessageNotContaining("\n");
    Files.writeString(file, "{\"charged_wei\": \"-1\", \"signed_wei\": \"0\"}");
    assertThatThrownBy(() -> new PaymentChannelFile(file).read())
        .isInstanceOf(IllegalStateException.class);
  }
}
