package io.payable.factory.dataset;

/**
 * A contribution present at the pinned snapshot but left out of the dataset.
 *
 * @param reason {@code withdrawn} or {@code flag_upheld} (an event of {@code contribution_events}),
 *     or {@code no_content} (ingested before the table stored the text)
 */
public record Exclusion(String contributionId, String datanetId, String reason) {}
