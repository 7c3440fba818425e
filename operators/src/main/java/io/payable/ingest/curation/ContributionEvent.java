package io.payable.ingest.curation;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * One event in a contribution's curation history, as {@code contribution_events} stores it.
 *
 * @param eventId 0x-hex keccak-256 of (event type, contribution id, source): the same on every
 *     replay of the same input
 * @param eventType one of {@link #TYPES}
 * @param reason why: {@code contributor_request} for a withdrawal, the curator's reason code for a
 *     flag
 * @param effectiveAt epoch millis from which the event applies (for a tombstone: from which no
 *     attribution credits the contribution)
 * @param txHash the chain transaction of a flag event; {@code null} for a withdrawal
 */
public record ContributionEvent(
    String eventId,
    String datanetId,
    String contributionId,
    String contributor,
    String eventType,
    String reason,
    long effectiveAt,
    String txHash) {

  public static final String WITHDRAWN = "withdrawn";
  public static final String FLAGGED = "flagged";
  public static final String FLAG_UPHELD = "flag_upheld";
  public static final String FLAG_DISMISSED = "flag_dismissed";
  public static final String DISPUTED = "disputed";
  public static final Set<String> TYPES =
      Set.of(WITHDRAWN, FLAGGED, FLAG_UPHELD, FLAG_DISMISSED, DISPUTED);

  /** The reason of a contributor's own withdrawal. */
  public static final String CONTRIBUTOR_REQUEST = "contributor_request";

  public ContributionEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(datanetId, "datanetId");
    Objects.requireNonNull(contributionId, "contributionId");
    Objects.requireNonNull(contributor, "contributor");
    Objects.requireNonNull(reason, "reason");
    if (!TYPES.contains(eventType)) {
      throw new IllegalArgumentException("unknown contribution event type " + eventType);
    }
  }

  /** Whether the event removes the contribution from the index, attribution and training. */
  public boolean tombstones() {
    return WITHDRAWN.equals(eventType) || FLAG_UPHELD.equals(eventType);
  }

  /** A deterministic event id: keccak-256 of "type|contribution id|source". */
  public static String idOf(String eventType, String contributionId, String source) {
    return Numeric.toHexString(
        Hash.sha3(
            (eventType + "|" + contributionId + "|" + source).getBytes(StandardCharsets.UTF_8)));
  }
}
