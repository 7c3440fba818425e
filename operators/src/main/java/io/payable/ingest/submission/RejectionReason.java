package io.payable.ingest.submission;

/**
 * Why a submission was rejected. The {@link #code()} is stable: it is what the rejections topic and
 * table carry and what dashboards group by.
 */
public enum RejectionReason {
  TOO_LARGE("too_large"),
  INVALID_UTF8("invalid_utf8"),
  NOT_JSON("not_json"),
  UNSUPPORTED_VERSION("unsupported_version"),
  MISSING_FIELD("missing_field"),
  MALFORMED_FIELD("malformed_field"),
  UNKNOWN_DATANET("unknown_datanet"),
  CLOSED_DATANET("closed_datanet"),
  BAD_SIGNATURE("bad_signature"),
  SIGNER_MISMATCH("signer_mismatch"),
  REPLAYED_NONCE("replayed_nonce"),
  DUPLICATE_CONTENT("duplicate_content"),
  TOO_SHORT("too_short"),
  NEAR_DUPLICATE("near_duplicate"),
  /** Listed in {@code input.skip-records} by an operator (docs/operations.md). */
  SKIPPED("skipped");

  private final String code;

  RejectionReason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
