package io.payable.contracts.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deploy profiles' checks: roles, and production bounds read from a file. */
class DeployConfigTest {

  private static final String A = "0x1111111111111111111111111111111111111111";
  private static final String B = "0x2222222222222222222222222222222222222222";
  private static final String C = "0x3333333333333333333333333333333333333333";
  private static final String T = "0x4444444444444444444444444444444444444444";

  private static DeployConfig production() {
    return new DeployConfig(
        T,
        A,
        B,
        C,
        2 * 86_400,
        86_400,
        5 * 86_400,
        BigInteger.TEN.pow(24),
        4,
        2 * 86_400,
        List.of(7_000, 1_500, 1_000, 500),
        10_000,
        8,
        1_000,
        86_400,
        86_400,
        6 * 3_600,
        14 * 86_400,
        14 * 86_400,
        BigInteger.TEN.pow(22));
  }

  @Test
  void rolesMustBeNonZeroAndDistinct() {
    DeployConfig demo = DeployConfig.localDefaults();
    assertThat(demo.withRoles(null, A, B, C).checkRoles()).isEmpty();
    assertThat(demo.checkRoles())
        .containsExactly(
            "settler must be a non-zero address",
            "guardian must be a non-zero address",
            "anchorer must be a non-zero address");
    assertThat(demo.withRoles(null, A, A, C).checkRoles())
        .containsExactly("guardian must differ from the other roles");
    assertThat(
            demo.withRoles(null, "0x0000000000000000000000000000000000000000", B, C).checkRoles())
        .containsExactly("settler must be a non-zero address");
    assertThat(demo.withRoles(null, A, B, A.toUpperCase().replace("0X", "0x")).checkRoles())
        .containsExactly("anchorer must differ from the other roles");
  }

  @Test
  void aProductionFileWithinBoundsIsRead(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("production.json");
    Files.writeString(file, new ObjectMapper().writeValueAsString(production()));
    assertThat(DeployConfig.production(file)).isEqualTo(production());
    assertThat(production().minUnstakeCooldownSeconds()).isEqualTo(8 * 86_400);
  }

  @Test
  void theDemoValuesAreNotFitForProduction(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("demo.json");
    Files.writeString(
        file,
        new ObjectMapper()
            .writeValueAsString(DeployConfig.localDefaults().withRoles(null, A, B, C)));
    assertThatThrownBy(() -> DeployConfig.production(file))
        .hasMessageContaining("tokenHolder must be an explicit address")
        .hasMessageContaining("timelockDelaySeconds must be >= 172800")
        .hasMessageContaining("votingDelaySeconds must be >= 86400")
        .hasMessageContaining("votingPeriodSeconds must be >= 259200")
        .hasMessageContaining("proposalThreshold must be > 0")
        .hasMessageContaining("lateQuorumExtensionSeconds must be >= 86400")
        .hasMessageContaining("minActivationDelaySeconds must be >= 21600");
    Files.writeString(file, "{\"settler\": \"" + A + "\", \"surprise\": 1}");
    assertThatThrownBy(() -> DeployConfig.production(file)).hasMessageContaining("Could not read");
  }
}
