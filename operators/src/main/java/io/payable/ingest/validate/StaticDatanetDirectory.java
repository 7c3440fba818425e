package io.payable.ingest.validate;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A fixed set of Datanets from configuration: the fallback for runs without a chain. */
public final class StaticDatanetDirectory implements DatanetDirectory {

  private static final long serialVersionUID = 1L;

  private final HashMap<String, DatanetStatus> statuses = new HashMap<>();

  public StaticDatanetDirectory(Map<String, DatanetStatus> statuses) {
    statuses.forEach((id, status) -> this.statuses.put(id.toLowerCase(Locale.ROOT), status));
  }

  @Override
  public DatanetStatus status(String datanetId) {
    return statuses.getOrDefault(datanetId.toLowerCase(Locale.ROOT), DatanetStatus.UNKNOWN);
  }
}
