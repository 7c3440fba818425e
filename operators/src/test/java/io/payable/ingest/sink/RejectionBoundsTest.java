package io.payable.ingest.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.submission.ParseOutcome;
import io.payable.ingest.submission.SubmissionParser;
import io.payable.settlement.RewardDeserializer;
import io.payable.settlement.RewardRecord;
import io.payable.wire.inference.InferenceEventEnvelope;
import io.payable.wire.inference.InvalidInferenceBatchException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever a record holds, up to the largest record an input topic accepts, the rejection each
 * job's reader makes of it encodes within {@link RejectionJson#maxEncodedBytes}, which is below the
 * producer's default {@code max.request.size}; and the encoding keeps the exact SHA-256, size and a
 * prefix of the raw bytes.
 */
class RejectionBoundsTest {

  /** The largest input record: deploy/k8s/topics.yaml allows 8 MiB on inference.events. */
  private static final int MAX_INPUT_BYTES = 8 << 20;

  private static final int PRODUCER_DEFAULT_MAX_REQUEST = 1 << 20;

  @Property(tries = 25)
  void everyReadersRejectionFitsTheSinkLimit(
      @ForAll("records") byte[] value, @ForAll @IntRange(min = 0, max = 256 << 10) int prefix) {
    RejectionJson encoder = new RejectionJson(prefix);
    assertThat(encoder.maxEncodedBytes()).isLessThan(PRODUCER_DEFAULT_MAX_REQUEST - (1 << 10));
    RawRecord raw = new RawRecord("inference.events", 3, 1L << 40, 1_800_000_000_000L, value);
    for (Rejection r : rejections(raw)) {
      byte[] json = encoder.serialize(r);
      assertThat(json.length).isLessThanOrEqualTo(encoder.maxEncodedBytes());
      checkFaithful(json, value, prefix);
    }
  }

  @Property(tries = 200)
  void anyDetailAndTopicEncodeWithinTheBound(
      @ForAll("details") String detail,
      @ForAll("topics") String topic,
      @ForAll @IntRange(min = 0, max = 4096) int rawLength) {
    byte[] value = new byte[rawLength];
    Arrays.fill(value, (byte) '"');
    RawRecord raw = new RawRecord(topic, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, value);
    Rejection r = Rejection.of(raw, "malformed_reward_x".repeat(3), detail, Long.MAX_VALUE);
    RejectionJson encoder = new RejectionJson(1024);
    byte[] json = encoder.serialize(r);
    assertThat(json.length).isLessThanOrEqualTo(encoder.maxEncodedBytes());
    assertThat(r.detail().length()).isLessThanOrEqualTo(Rejection.MAX_DETAIL_CHARS);
    // Well-formed: the detail survives a UTF-8 round trip unchanged.
    assertThat(new String(r.detail().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .isEqualTo(r.detail());
  }

  /** What each job's reader rejects {@code raw} with (an accepted record gives none). */
  private static List<Rejection> rejections(RawRecord raw) {
    List<Rejection> out = new ArrayList<>();
    ParseOutcome parsed = new SubmissionParser().parse(raw.value());
    if (parsed instanceof ParseOutcome.Invalid invalid) {
      out.add(Rejection.of(raw, invalid.reason(), invalid.detail(), 0));
    }
    try {
      InferenceEventEnvelope.verify(raw.value());
    } catch (InvalidInferenceBatchException e) {
      out.add(Rejection.of(raw, e.reason().name().toLowerCase(), e.getMessage(), 0));
    }
    RewardRecord reward = RewardDeserializer.read(raw, 0);
    if (reward.rejection() != null) {
      out.add(reward.rejection());
    }
    assertThat(out).as("random bytes are no valid record").isNotEmpty();
    return out;
  }

  private static void checkFaithful(byte[] json, byte[] value, int prefix) {
    var node = readTree(json);
    assertThat(node.get("size").asInt()).isEqualTo(value.length);
    assertThat(node.get("sha256").asText()).isEqualTo(Rejection.sha256(value));
    byte[] kept = Base64.getDecoder().decode(node.get("raw_base64").asText());
    assertThat(kept).isEqualTo(Arrays.copyOf(value, Math.min(prefix, value.length)));
    assertThat(node.get("raw_truncated").asBoolean()).isEqualTo(value.length > prefix);
  }

  private static com.fasterxml.jackson.databind.JsonNode readTree(byte[] json) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Records of any size up to the largest, uniformly: random bytes, or JSON-looking text whose
   * strings are made of quotes, escapes, control and non-ASCII characters.
   */
  @Provide
  Arbitrary<byte[]> records() {
    // Sizes uniform up to the largest record, bytes from the try's random source (fast at 8 MiB).
    Arbitrary<byte[]> bytes =
        Arbitraries.integers()
            .between(0, MAX_INPUT_BYTES)
            .withDistribution(RandomDistribution.uniform())
            .edgeCases(config -> config.includeOnly(0, MAX_INPUT_BYTES))
            .flatMap(
                n ->
                    Arbitraries.randomValue(
                        random -> {
                          byte[] b = new byte[n];
                          random.nextBytes(b);
                          return b;
                        }));
    Arbitrary<byte[]> json =
        Arbitraries.strings()
            .withChars("\"\\{}[]:,\u0000\u001f\u00e9\u4e2d\ud83d\ude00a0")
            .ofMaxLength(256 << 10)
            .map(s -> ("{\"version\":1,\"detail\":\"" + s + "\"").getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> envelope =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMaxSize(1 << 20)
            .map(
                b -> {
                  byte[] out = Arrays.copyOf(InferenceEventEnvelope.MAGIC, 5 + 65 + b.length);
                  out[4] = 1;
                  System.arraycopy(b, 0, out, 70, b.length);
                  return out;
                });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, bytes),
        net.jqwik.api.Tuple.of(2, json),
        net.jqwik.api.Tuple.of(1, envelope));
  }

  @Provide
  Arbitrary<String> details() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(5000),
        Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMaxLength(3000),
        Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(3000));
  }

  @Provide
  Arbitrary<String> topics() {
    return Combinators.combine(
            Arbitraries.strings()
                .withCharRange('a', 'z')
                .withChars("._-0123456789")
                .ofMinLength(1)
                .ofMaxLength(249),
            Arbitraries.just(""))
        .as((a, b) -> a + b);
  }
}
