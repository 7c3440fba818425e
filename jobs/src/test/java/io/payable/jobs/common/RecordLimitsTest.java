package io.payable.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.ingest.sink.RejectionJson;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RecordLimitsTest {

  @Test
  void theDefaultsFitKafkasDefaultLimitsWithRoomToSpare() {
    int largest = RecordLimits.maxRejectionRecordBytes(RejectionJson.DEFAULT_RAW_PREFIX_BYTES);
    assertThat(largest).isLessThan(100_000);
    assertThat(
            RecordLimits.problems(
                RejectionJson.DEFAULT_RAW_PREFIX_BYTES,
                1 << 20,
                "datanet.rejections",
                OptionalInt.of(1_048_588)))
        .isEmpty();
  }

  @Test
  void namesEveryLimitARejectionCanExceed() {
    assertThat(RecordLimits.problems(1 << 20, 1 << 20, "t", OptionalInt.of(1 << 20)))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("kafka.producer.max-request-size=1048576"))
        .anySatisfy(p -> assertThat(p).contains("the topic's max.message.bytes=1048576"));
    int largest = RecordLimits.maxRejectionRecordBytes(4096);
    assertThat(RecordLimits.problems(4096, largest, "t", OptionalInt.of(largest))).isEmpty();
    assertThat(RecordLimits.problems(4096, largest - 1, "t", OptionalInt.empty())).hasSize(1);
    assertThat(RecordLimits.problems(4096, largest, "t", OptionalInt.of(largest - 1)))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("rejections.raw-prefix-bytes=4096"));
  }
}
