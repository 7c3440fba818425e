package io.payable.ingest.curation;

import io.payable.ingest.record.RawRecord;

/**
 * A record of the curation topic that passed the stateless checks: a contributor's withdrawal
 * (signature verified) or an upheld flag (verified on chain), with its source record kept for a
 * later rejection.
 *
 * @param type {@link #WITHDRAWAL} or {@link #FLAG_UPHELD}
 * @param datanetId 0x-hex, 32 bytes, lower case
 * @param contributionId 0x-hex, 32 bytes, lower case
 * @param contributor 0x-hex lower-case address: the signer of a withdrawal, the flagged contributor
 *     of a flag
 * @param signedAt the withdrawal's signed timestamp (seconds), 0 for a flag
 * @param reason {@link ContributionEvent#CONTRIBUTOR_REQUEST} or the flag's 0x-hex reason code
 * @param txHash the flag's resolving transaction; {@code null} for a withdrawal
 * @param contributorPenalized for an upheld flag: the chain shows the contributor penalised (their
 *     score reached the governance threshold), so they earn nothing from now on
 */
public record CurationRequest(
    RawRecord source,
    String type,
    String datanetId,
    String contributionId,
    String contributor,
    long signedAt,
    String reason,
    String txHash,
    boolean contributorPenalized) {

  public static final String WITHDRAWAL = "withdrawal";
  public static final String FLAG_UPHELD = "flag_upheld";

  /** The contribution event this request becomes once accepted, effective at {@code now}. */
  public ContributionEvent toEvent(long now) {
    String eventType =
        WITHDRAWAL.equals(type) ? ContributionEvent.WITHDRAWN : ContributionEvent.FLAG_UPHELD;
    String origin = source.topic() + "-" + source.partition() + "@" + source.offset();
    return new ContributionEvent(
        ContributionEvent.idOf(eventType, contributionId, origin),
        datanetId,
        contributionId,
        contributor,
        eventType,
        reason,
        now,
        txHash);
  }
}
