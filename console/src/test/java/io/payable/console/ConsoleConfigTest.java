package io.payable.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConsoleConfigTest {

  private static ConsoleConfig.Builder minimal() {
    return ConsoleConfig.builder()
        .warehouse("file:///tmp/warehouse")
        .rpcUrl("http://127.0.0.1:8545")
        .deploymentJson("{}")
        .bootstrapServers("127.0.0.1:9092");
  }

  @Test
  void playgroundConsumerIsOptional() {
    assertThat(minimal().build().playgroundConsumerKey()).isEmpty();
  }

  @Test
  void malformedPlaygroundKeyIsRefusedWithoutEchoingIt() {
    String almost = "0x" + "ab".repeat(31);
    assertThatThrownBy(() -> minimal().playgroundConsumerKey(almost).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 hex digits")
        .hasMessageNotContaining(almost.substring(2));
  }

  @Test
  void toStringNeverShowsThePlaygroundKey() {
    String key = "0x" + "4f".repeat(32);
    ConsoleConfig config = minimal().playgroundConsumerKey(key).build();
    assertThat(config.playgroundConsumerKey()).contains(key);
    assertThat(config.toString()).doesNotContain("4f4f").contains("playgroundConsumer=set");
  }
}
