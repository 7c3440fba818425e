package io.payable.ingest.record;

import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Input records an operator has decided to reject unread, by position ({@code
 * topic:partition:offset}): the way out for a job stuck on a record (docs/operations.md). A skipped
 * record is not dropped: it is rejected with reason {@code skipped}, raw bytes and all.
 */
public final class SkippedRecords implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final SkippedRecords NONE = new SkippedRecords(Set.of());

  /** The reason code of a skipped record, in every job. */
  public static final String REASON = "skipped";

  private final Set<String> positions;

  private SkippedRecords(Set<String> positions) {
    this.positions = positions;
  }

  /**
   * @param entries {@code topic:partition:offset} each
   * @throws IllegalArgumentException for an entry that is not one
   */
  public static SkippedRecords parse(List<String> entries) {
    Set<String> positions = new LinkedHashSet<>();
    for (String entry : entries) {
      String e = entry.trim();
      int second = e.lastIndexOf(':');
      int first = second <= 0 ? -1 : e.lastIndexOf(':', second - 1);
      try {
        if (first <= 0) {
          throw new NumberFormatException();
        }
        int partition = Integer.parseInt(e.substring(first + 1, second));
        long offset = Long.parseLong(e.substring(second + 1));
        if (partition < 0 || offset < 0) {
          throw new NumberFormatException();
        }
        positions.add(key(e.substring(0, first), partition, offset));
      } catch (NumberFormatException bad) {
        throw new IllegalArgumentException(
            "not a record position topic:partition:offset: '" + entry + "'");
      }
    }
    return new SkippedRecords(Set.copyOf(positions));
  }

  public boolean contains(RawRecord r) {
    return !positions.isEmpty() && positions.contains(key(r.topic(), r.partition(), r.offset()));
  }

  public boolean isEmpty() {
    return positions.isEmpty();
  }

  private static String key(String topic, int partition, long offset) {
    return topic + ":" + partition + ":" + offset;
  }
}
