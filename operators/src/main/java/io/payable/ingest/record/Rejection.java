package io.payable.ingest.record;

import io.payable.ingest.submission.RejectionReason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A rejected input record: the reason code, a human-readable detail, and the raw record itself so
 * nothing is lost and the rejection can be audited or replayed.
 *
 * <p>The detail is cut to {@link #MAX_DETAIL_CHARS}: it may quote the input (an unknown adapter id,
 * a parser message), and a rejection must stay small whatever the input was. The raw bytes are kept
 * whole here; sinks with a size limit keep a prefix (see {@code RejectionJson}).
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

  /** The longest detail kept, in UTF-16 chars. */
  public static final int MAX_DETAIL_CHARS = 1024;

  public static Rejection of(RawRecord source, RejectionReason reason, String detail, long now) {
    return of(source, reason.code(), detail, now);
  }

  /** A rejection with a reason code of any job (the codes are documented per topic). */
  public static Rejection of(RawRecord source, String reasonCode, String detail, long now) {
    byte[] raw = source.value() == null ? new byte[0] : source.value();
    return new Rejection(
        reasonCode,
        boundedDetail(detail),
        source.topic(),
        source.partition(),
        source.offset(),
        raw,
        raw.length,
        sha256(raw),
        source.timestamp(),
        now);
  }

  /**
   * {@code detail} cut to {@link #MAX_DETAIL_CHARS}, never inside a surrogate pair, with lone
   * surrogates (which a JSON escape in the input can produce) replaced by U+FFFD: they have no
   * UTF-8 encoding, and a JSON writer refuses them.
   */
  public static String boundedDetail(String detail) {
    if (detail == null) {
      return "";
    }
    String kept = detail;
    if (detail.length() > MAX_DETAIL_CHARS) {
      String suffix = "... (" + detail.length() + " chars)";
      int end = MAX_DETAIL_CHARS - suffix.length();
      if (Character.isHighSurrogate(detail.charAt(end - 1))) {
        end--;
      }
      kept = detail.substring(0, end) + suffix;
    }
    return wellFormed(kept);
  }

  private static String wellFormed(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
              : !Character.isLowSurrogate(c)
                  || (i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
      if (!paired && out == null) {
        out = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (out != null) {
        out.append(paired ? c : '\uFFFD');
      }
    }
    return out == null ? s : out.toString();
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
