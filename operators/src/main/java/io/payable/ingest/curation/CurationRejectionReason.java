package io.payable.ingest.curation;

/**
 * Why a record of the curation topic was rejected; the code is what the rejections topic and table
 * carry. Format failures reuse the submission codes ({@code not_json}, {@code missing_field},
 * {@code malformed_field}, {@code unsupported_version}, {@code bad_signature}, {@code
 * signer_mismatch}, {@code unknown_datanet}).
 */
public enum CurationRejectionReason {
  /** The record's {@code type} is neither {@code withdrawal} nor {@code flag_upheld}. */
  UNKNOWN_TYPE("unknown_curation_type"),
  /** No accepted contribution of the Datanet has this id (yet). */
  UNKNOWN_CONTRIBUTION("unknown_contribution"),
  /** The withdrawal is signed by someone other than the contribution's contributor. */
  NOT_CONTRIBUTION_OWNER("not_contribution_owner"),
  /** The contribution was withdrawn already: a replayed or repeated withdrawal. */
  ALREADY_WITHDRAWN("already_withdrawn"),
  /** The contribution was tombstoned already by an upheld flag. */
  ALREADY_TOMBSTONED("already_tombstoned"),
  /** The chain does not show the flag as upheld for this contribution and contributor. */
  FLAG_NOT_UPHELD("flag_not_upheld"),
  /** No chain is configured to verify a flag outcome against. */
  UNVERIFIABLE_FLAG("unverifiable_flag");

  private final String code;

  CurationRejectionReason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
