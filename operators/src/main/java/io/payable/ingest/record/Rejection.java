package io.payable.ingest.record;

import io.payable.ingest.submission.RejectionReason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A rejected input record: the reason code, a human-readable detail, and the raw record itself so
 * nothing is lost and the rejection can be audited or replayed.
 */
public record Rejection(
    String reason,
    String detail,
    String topic,
    int partition,
    long offset,
    byte[] raw,
    int size,
    String sha256,
    long receivedAt,
    long rejectedAt) {

  public static Rejection of(RawRecord source, RejectionReason reason, String detail, long now) {
    return of(source, reason.code(), detail, now);
  }

  /** A rejection with a reason code of any job (the codes are documented per topic). */
  public static Rejection of(RawRecord source, String reasonCode, String detail, long now) {
    byte[] raw = source.value() == null ? new byte[0] : source.value();
    return new Rejection(
        reasonCode,
        detail,
        source.topic(),
        source.partition(),
        source.offset(),
        raw,
        raw.length,
        sha256(raw),
        source.timestamp(),
        now);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
