package io.payable.ingest.curation;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.payable.ingest.record.RawRecord;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads a record of the curation topic (format version 1, docs/formats.md) into a {@link
 * CurationRequest}, or says why it cannot. Never throws. Signatures and chain state are checked
 * later, by {@link CurationValidator}.
 */
public final class CurationParser {

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .build();
  private static final Pattern BYTES32 = Pattern.compile("0x[0-9a-fA-F]{64}");
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final Pattern SIGNATURE = Pattern.compile("0x[0-9a-fA-F]{130}");
  private static final BigInteger UINT64_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** A parsed request, or the rejection code and detail. */
  public record Outcome(CurationRequest request, String signature, String code, String detail) {
    static Outcome invalid(String code, String detail) {
      return new Outcome(null, null, code, detail);
    }

    public boolean ok() {
      return request != null;
    }
  }

  private final int maxBytes;

  public CurationParser(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  public Outcome parse(RawRecord record) {
    try {
      return parseChecked(record);
    } catch (RuntimeException | StackOverflowError e) {
      return Outcome.invalid("not_json", "unparseable: " + e.getClass().getSimpleName());
    }
  }

  private Outcome parseChecked(RawRecord record) {
    byte[] raw = record.value();
    if (raw == null) {
      return Outcome.invalid("missing_field", "record has no value");
    }
    if (raw.length > maxBytes) {
      return Outcome.invalid("too_large", raw.length + " bytes exceeds the limit of " + maxBytes);
    }
    JsonNode n;
    try {
      n = JSON.readTree(raw);
    } catch (IOException e) {
      return Outcome.invalid("not_json", "not a JSON document");
    }
    if (n == null || !n.isObject()) {
      return Outcome.invalid("not_json", "not a JSON object");
    }
    if (!n.path("version").isIntegralNumber() || n.get("version").asInt() != 1) {
      return Outcome.invalid("unsupported_version", "version must be 1");
    }
    String type = n.path("type").asText("");
    if (!CurationRequest.WITHDRAWAL.equals(type) && !CurationRequest.FLAG_UPHELD.equals(type)) {
      return Outcome.invalid(
          CurationRejectionReason.UNKNOWN_TYPE.code(),
          "type must be withdrawal or flag_upheld, not '" + type + "'");
    }
    String datanet = hex(n, "datanet_id", BYTES32);
    String contribution = hex(n, "contribution_id", BYTES32);
    String contributor = hex(n, "contributor", ADDRESS);
    if (datanet == null || contribution == null || contributor == null) {
      return missingOrMalformed(n, "datanet_id", "contribution_id", "contributor");
    }
    switch (type) {
      case CurationRequest.WITHDRAWAL -> {
        JsonNode ts = n.get("timestamp");
        String sig = hex(n, "signature", SIGNATURE);
        if (ts == null || sig == null) {
          return missingOrMalformed(n, "timestamp", "signature");
        }
        if (!ts.isIntegralNumber()
            || ts.bigIntegerValue().signum() < 0
            || ts.bigIntegerValue().compareTo(UINT64_MAX) > 0) {
          return Outcome.invalid("malformed_field", "timestamp must be a uint64");
        }
        return new Outcome(
            new CurationRequest(
                record,
                type,
                datanet,
                contribution,
                contributor,
                ts.bigIntegerValue().longValue(),
                ContributionEvent.CONTRIBUTOR_REQUEST,
                null,
                false),
            sig,
            null,
            null);
      }
      case CurationRequest.FLAG_UPHELD -> {
        String tx = hex(n, "tx_hash", BYTES32);
        if (tx == null) {
          return missingOrMalformed(n, "tx_hash");
        }
        return new Outcome(
            new CurationRequest(record, type, datanet, contribution, contributor, 0, "", tx, false),
            null,
            null,
            null);
      }
      default -> {
        return Outcome.invalid(
            CurationRejectionReason.UNKNOWN_TYPE.code(),
            "type must be withdrawal or flag_upheld, not '" + type + "'");
      }
    }
  }

  private static String hex(JsonNode n, String field, Pattern pattern) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || !pattern.matcher(v.asText()).matches()) {
      return null;
    }
    return v.asText().toLowerCase(Locale.ROOT);
  }

  private static Outcome missingOrMalformed(JsonNode n, String... fields) {
    for (String f : fields) {
      if (!n.has(f) || n.get(f).isNull()) {
        return Outcome.invalid("missing_field", "missing " + f);
      }
    }
    return Outcome.invalid("malformed_field", "malformed " + String.join(" or ", fields));
  }
}
