package io.payable.factory.dataset;

import java.util.List;
import java.util.Optional;

/**
 * The contributions of some Datanets that a run may train on, as of pinned snapshots: present in
 * {@code datanet_contributions} at its snapshot, and without a {@code withdrawn} or {@code
 * flag_upheld} event in {@code contribution_events} at its snapshot (when that table exists).
 *
 * @param live sorted by contribution id
 * @param excluded sorted by contribution id
 * @param events the pin of {@code contribution_events}; empty when the table does not exist
 */
public record LiveContributions(
    List<String> datanetIds,
    SnapshotPin contributions,
    Optional<SnapshotPin> events,
    List<Contribution> live,
    List<Exclusion> excluded) {

  public LiveContributions {
    datanetIds = List.copyOf(datanetIds);
    live = List.copyOf(live);
    excluded = List.copyOf(excluded);
  }
}
