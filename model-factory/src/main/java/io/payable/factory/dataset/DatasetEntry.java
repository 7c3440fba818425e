package io.payable.factory.dataset;

/**
 * One line of a built dataset's {@code contributions.jsonl}: a contribution of the run's Datanets
 * at the pinned snapshot, either in a split with its token count or excluded with a reason.
 *
 * @param contributor empty for an excluded contribution
 * @param contentHash empty for an excluded contribution
 * @param tokens token count (end-of-text included); 0 when excluded
 * @param split {@code train} or {@code eval}; empty when excluded or not yet assigned
 * @param excluded the exclusion reason; empty when the contribution is live
 */
public record DatasetEntry(
    String contributionId,
    String datanetId,
    String contributor,
    String contentHash,
    int tokens,
    String split,
    String excluded) {

  public static DatasetEntry live(Contribution c, int tokens, String split) {
    return new DatasetEntry(
        c.contributionId(),
        c.datanetId(),
        c.contributor() == null ? "" : c.contributor(),
        c.contentHash(),
        tokens,
        split,
        "");
  }

  public static DatasetEntry excluded(Exclusion e) {
    return new DatasetEntry(e.contributionId(), e.datanetId(), "", "", 0, "", e.reason());
  }

  public boolean isExcluded() {
    return !excluded.isEmpty();
  }

  public DatasetEntry withSplit(String value) {
    return new DatasetEntry(
        contributionId, datanetId, contributor, contentHash, tokens, value, excluded);
  }

  public Contribution contribution() {
    return new Contribution(
        contributionId, datanetId, contributor.isEmpty() ? null : contributor, contentHash, null);
  }

  public Exclusion exclusion() {
    return new Exclusion(contributionId, datanetId, excluded);
  }
}
