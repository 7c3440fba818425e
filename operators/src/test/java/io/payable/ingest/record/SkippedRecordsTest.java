package io.payable.ingest.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SkippedRecordsTest {

  private static RawRecord at(String topic, int partition, long offset) {
    return new RawRecord(topic, partition, offset, 0, null);
  }

  @Test
  void matchesExactlyTheListedPositionsEvenWithColonsInTopicNames() {
    SkippedRecords skipped = SkippedRecords.parse(List.of("datanet.submissions:0:42", " a:b:3:7 "));
    assertThat(skipped.contains(at("datanet.submissions", 0, 42))).isTrue();
    assertThat(skipped.contains(at("datanet.submissions", 0, 43))).isFalse();
    assertThat(skipped.contains(at("datanet.submissions", 1, 42))).isFalse();
    assertThat(skipped.contains(at("inference.events", 0, 42))).isFalse();
    assertThat(skipped.contains(at("a:b", 3, 7))).isTrue();
    assertThat(SkippedRecords.NONE.contains(at("datanet.submissions", 0, 42))).isFalse();
  }

  @Test
  void refusesWhatIsNotAPosition() {
    for (String bad : List.of("", "topic", "topic:1", ":1:2", "t:-1:2", "t:1:x", "t:1:-2")) {
      assertThatThrownBy(() -> SkippedRecords.parse(List.of(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("topic:partition:offset");
    }
  }
}
