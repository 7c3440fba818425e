package io.payable.contracts.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentTest {

  static Deployment sample() {
    return new Deployment(
        Deployment.FORMAT_VERSION,
        31337,
        1,
        "0x01",
        "0x02",
        "0x03",
        "0x04",
        "0x05",
        "0x06",
        "0x07",
        "0x08",
        "0x09");
  }

  @Test
  void writesAndReadsTheSameFile(@TempDir Path dir) {
    Path file = dir.resolve("nested/deployment.json");
    sample().write(file);
    assertThat(Deployment.read(file)).isEqualTo(sample());
    assertThat(Deployment.fromJson(sample().toJson())).isEqualTo(sample());
    assertThat(sample().toJson()).contains("\"rewardDistributor\" : \"0x09\"");
  }

  @Test
  void aFileWrittenBeforeTheEscrowReadsWithoutOne() {
    String json = sample().toJson().replaceAll(",\\s*\"consumerEscrow\"\\s*:\\s*null", "");
    assertThat(json).doesNotContain("consumerEscrow");
    assertThat(Deployment.fromJson(json).consumerEscrow()).isNull();
    Deployment withEscrow =
        new Deployment(
            Deployment.FORMAT_VERSION,
            1,
            1,
            "0x01",
            "0x02",
            "0x03",
            "0x04",
            "0x05",
            "0x06",
            "0x07",
            "0x08",
            "0x09",
            "0x0a");
    assertThat(Deployment.fromJson(withEscrow.toJson()).consumerEscrow()).isEqualTo("0x0a");
  }

  @Test
  void refusesAnotherVersion() {
    String json = sample().toJson().replace("\"version\" : 1", "\"version\" : 2");
    assertThatThrownBy(() -> Deployment.fromJson(json)).hasStackTraceContaining("version 2");
  }
}
