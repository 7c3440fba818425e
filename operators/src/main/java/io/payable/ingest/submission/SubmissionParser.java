package io.payable.ingest.submission;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.payable.contracts.eip712.Contribution;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the raw bytes of a {@code datanet.submissions} record into a {@link Submission}, or says
 * exactly why it cannot. It never throws: any input, however broken, gives an outcome.
 *
 * <p>Checks run cheapest first: size, UTF-8, JSON syntax, then each field. Signatures, nonces and
 * Datanet state are checked by later steps, which need keys, state or the chain.
 */
public final class SubmissionParser {

  /** The default size limit of a whole record: 1 MiB. */
  public static final int DEFAULT_MAX_BYTES = 1 << 20;

  static final BigInteger UINT256_MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
  private static final BigInteger UINT64_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .build();

  private final int maxBytes;

  public SubmissionParser() {
    this(DEFAULT_MAX_BYTES);
  }

  public SubmissionParser(int maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  public ParseOutcome parse(byte[] raw) {
    try {
      return parseChecked(raw);
    } catch (RuntimeException | StackOverflowError e) {
      // Defence in depth: a parser bug must reject the record, not fail the job.
      return ParseOutcome.invalid(
          RejectionReason.NOT_JSON, "unparseable: " + e.getClass().getSimpleName());
    }
  }

  private ParseOutcome parseChecked(byte[] raw) {
    if (raw == null) {
      return ParseOutcome.invalid(RejectionReason.MISSING_FIELD, "record has no value");
    }
    if (raw.length > maxBytes) {
      return ParseOutcome.invalid(
          RejectionReason.TOO_LARGE, raw.length + " bytes exceeds the limit of " + maxBytes);
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw));
    } catch (CharacterCodingException e) {
      return ParseOutcome.invalid(RejectionReason.INVALID_UTF8, "not valid UTF-8");
    }
    JsonNode root;
    try (JsonParser parser = JSON.createParser(raw)) {
      root = JSON.readTree(parser);
    } catch (IOException e) {
      return ParseOutcome.invalid(RejectionReason.NOT_JSON, firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      return ParseOutcome.invalid(RejectionReason.NOT_JSON, "not a JSON object");
    }
    return fields(root);
  }

  private static ParseOutcome fields(JsonNode root) {
    JsonNode version = root.get("version");
    if (version == null) {
      return missing("version");
    }
    if (!version.isIntegralNumber() || !BigInteger.ONE.equals(version.bigIntegerValue())) {
      return ParseOutcome.invalid(
          RejectionReason.UNSUPPORTED_VERSION, "version " + version + " is not supported");
    }
    for (String required :
        new String[] {"datanet_id", "contributor", "nonce", "timestamp", "content", "signature"}) {
      JsonNode value = root.get(required);
      if (value == null || value.isNull()) {
        return missing(required);
      }
    }
    byte[] datanetId;
    String contributor;
    byte[] signature;
    try {
      datanetId = Hex.decode(text(root, "datanet_id"), 32);
    } catch (IllegalArgumentException e) {
      return malformed("datanet_id", e.getMessage());
    }
    try {
      contributor = Hex.encode(Hex.decode(text(root, "contributor"), 20));
    } catch (IllegalArgumentException e) {
      return malformed("contributor", e.getMessage());
    }
    try {
      signature = Hex.decode(text(root, "signature"), 65);
    } catch (IllegalArgumentException e) {
      return malformed("signature", e.getMessage());
    }
    BigInteger nonce = unsigned(root.get("nonce"), UINT256_MAX);
    if (nonce == null) {
      return malformed("nonce", "expected an unsigned 256-bit integer");
    }
    BigInteger timestamp = unsigned(root.get("timestamp"), UINT64_MAX);
    if (timestamp == null || timestamp.bitLength() > 63) {
      return malformed("timestamp", "expected seconds since the epoch");
    }
    JsonNode contentNode = root.get("content");
    if (!contentNode.isTextual()) {
      return malformed("content", "expected a string");
    }
    String content = contentNode.textValue();
    if (content.isEmpty()) {
      return malformed("content", "empty");
    }
    Optional<String> license = Optional.empty();
    JsonNode licenseNode = root.get("license");
    if (licenseNode != null && !licenseNode.isNull()) {
      if (!licenseNode.isTextual()) {
        return malformed("license", "expected a string");
      }
      license = Optional.of(licenseNode.textValue());
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    JsonNode metadataNode = root.get("metadata");
    if (metadataNode != null && !metadataNode.isNull()) {
      if (!metadataNode.isObject()) {
        return malformed("metadata", "expected an object of strings");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = metadataNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (!entry.getValue().isTextual()) {
          return malformed("metadata." + entry.getKey(), "expected a string");
        }
        metadata.put(entry.getKey(), entry.getValue().textValue());
      }
    }
    byte[] contentHash = Contribution.contentHash(content);
    return new ParseOutcome.Parsed(
        new Submission(
            datanetId,
            contributor,
            nonce,
            timestamp.longValueExact(),
            content,
            contentHash,
            license,
            metadata,
            signature));
  }

  private static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (!node.isTextual()) {
      throw new IllegalArgumentException("expected a string");
    }
    return node.textValue();
  }

  /** A JSON integer or a string of decimal digits, within [0, max]; else {@code null}. */
  private static BigInteger unsigned(JsonNode node, BigInteger max) {
    BigInteger value;
    if (node.isIntegralNumber()) {
      value = node.bigIntegerValue();
    } else if (node.isTextual() && node.textValue().matches("[0-9]{1,78}")) {
      value = new BigInteger(node.textValue());
    } else {
      return null;
    }
    return value.signum() < 0 || value.compareTo(max) > 0 ? null : value;
  }

  private static ParseOutcome missing(String field) {
    return ParseOutcome.invalid(RejectionReason.MISSING_FIELD, "missing field " + field);
  }

  private static ParseOutcome malformed(String field, String why) {
    return ParseOutcome.invalid(RejectionReason.MALFORMED_FIELD, field + ": " + why);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid JSON";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
