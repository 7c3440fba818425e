package io.payable.ingest.submission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

class SubmissionParserTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final SubmissionParser parser = new SubmissionParser(4096);

  @Property(tries = 2000)
  void arbitraryBytesNeverThrow(@ForAll @Size(max = 600) byte[] raw) {
    ParseOutcome outcome = parser.parse(raw);
    assertThat(outcome).isNotNull();
  }

  @Property(tries = 500)
  void mutatedValidRecordsNeverThrowAndNeverParseToADifferentSubmissionSilently(
      @ForAll("submissions") Submission s, @ForAll int position, @ForAll byte value) {
    byte[] raw = SubmissionWriter.toJson(s);
    raw[Math.floorMod(position, raw.length)] = value;
    ParseOutcome outcome = parser.parse(raw);
    if (outcome instanceof ParseOutcome.Parsed parsed) {
      // A byte flip that still parses changed a field; the hash must follow the content.
      Submission p = parsed.submission();
      assertThat(p.contentHash())
          .isEqualTo(Hash.sha3(p.content().getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Property(tries = 300)
  void writtenSubmissionsParseBackEqual(@ForAll("submissions") Submission s) {
    ParseOutcome outcome = new SubmissionParser().parse(SubmissionWriter.toJson(s));
    assertThat(outcome).isEqualTo(new ParseOutcome.Parsed(s));
  }

  @Test
  void eachKindOfMalformationHasItsReason() {
    ObjectNode valid = validJson();
    assertThat(reason(bytes(valid))).isNull();

    assertThat(reason(new byte[5000])).isEqualTo(RejectionReason.TOO_LARGE);
    assertThat(reason(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}))
        .isEqualTo(RejectionReason.INVALID_UTF8);
    assertThat(reason("{\"version\":1,".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(RejectionReason.NOT_JSON);
    assertThat(reason("[1,2]".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(RejectionReason.NOT_JSON);
    assertThat(reason("{\"a\":1}{}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(RejectionReason.NOT_JSON);
    assertThat(reason("{\"version\":1,\"version\":1}".getBytes(StandardCharsets.UTF_8)))
        .as("duplicate keys")
        .isEqualTo(RejectionReason.NOT_JSON);
    assertThat(reason(bytes(valid.deepCopy().put("version", 2))))
        .isEqualTo(RejectionReason.UNSUPPORTED_VERSION);
    assertThat(reason(bytes((ObjectNode) valid.deepCopy().without("signature"))))
        .isEqualTo(RejectionReason.MISSING_FIELD);
    assertThat(reason(bytes(valid.deepCopy().put("contributor", "0x1234"))))
        .isEqualTo(RejectionReason.MALFORMED_FIELD);
    assertThat(reason(bytes(valid.deepCopy().put("datanet_id", "0x" + "zz".repeat(32)))))
        .isEqualTo(RejectionReason.MALFORMED_FIELD);
    assertThat(reason(bytes(valid.deepCopy().put("nonce", "-1"))))
        .isEqualTo(RejectionReason.MALFORMED_FIELD);
    assertThat(
            reason(bytes(valid.deepCopy().put("nonce", BigInteger.ONE.shiftLeft(256).toString()))))
        .as("nonce above uint256")
        .isEqualTo(RejectionReason.MALFORMED_FIELD);
    assertThat(reason(bytes(valid.deepCopy().put("timestamp", "yesterday"))))
        .isEqualTo(RejectionReason.MALFORMED_FIELD);
    assertThat(reason(bytes(valid.deepCopy().put("content", ""))))
        .isEqualTo(RejectionReason.MALFORMED_FIELD);
    assertThat(reason(bytes(valid.deepCopy().put("content", 42))))
        .isEqualTo(RejectionReason.MALFORMED_FIELD);
  }

  @Test
  void contributorAddressesAreNormalisedToLowerCase() {
    ObjectNode json = validJson().put("contributor", "0xABCDEF0123456789ABCDEF0123456789ABCDEF01");
    ParseOutcome outcome = parser.parse(bytes(json));
    assertThat(((ParseOutcome.Parsed) outcome).submission().contributor())
        .isEqualTo("0xabcdef0123456789abcdef0123456789abcdef01");
  }

  private RejectionReason reason(byte[] raw) {
    ParseOutcome outcome = parser.parse(raw);
    return outcome instanceof ParseOutcome.Invalid invalid ? invalid.reason() : null;
  }

  private static ObjectNode validJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    root.put("datanet_id", "0x" + "11".repeat(32));
    root.put("contributor", "0x" + "22".repeat(20));
    root.put("nonce", "7");
    root.put("timestamp", 1_800_000_000L);
    root.put("content", "Call me Ishmael.");
    root.put("signature", "0x" + "33".repeat(65));
    return root;
  }

  private static byte[] bytes(ObjectNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Provide
  Arbitrary<Submission> submissions() {
    Arbitrary<byte[]> bytes32 = Arbitraries.bytes().array(byte[].class).ofSize(32);
    Arbitrary<byte[]> address = Arbitraries.bytes().array(byte[].class).ofSize(20);
    Arbitrary<byte[]> signature = Arbitraries.bytes().array(byte[].class).ofSize(65);
    Arbitrary<BigInteger> nonce =
        Arbitraries.bigIntegers().between(BigInteger.ZERO, SubmissionParser.UINT256_MAX);
    Arbitrary<Long> timestamp = Arbitraries.longs().between(0, Long.MAX_VALUE);
    Arbitrary<String> content = Arbitraries.strings().ofMinLength(1).ofMaxLength(200);
    Arbitrary<Optional<String>> license = Arbitraries.of("CC-BY-4.0", "CC0-1.0", "MIT").optional();
    Arbitrary<Map<String, String>> metadata =
        Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(8), Arbitraries.strings())
            .ofMaxSize(3);
    return Combinators.combine(
            bytes32, address, nonce, timestamp, content, license, metadata, signature)
        .as(
            (d, a, n, t, c, l, m, sig) ->
                new Submission(
                    d,
                    Hex.encode(a),
                    n,
                    t,
                    c,
                    Hash.sha3(c.getBytes(StandardCharsets.UTF_8)),
                    l,
                    m,
                    sig));
  }
}
