package io.payable.factory.verify;

import java.util.List;

/**
 * What {@code payable models verify} found.
 *
 * @param differences one line per disagreement, empty when everything agrees
 */
public record VerificationReport(
    String adapterName,
    String registryKey,
    String artifactSha256,
    String trainingSetRoot,
    int trainingSetCount,
    String manifestSha256,
    List<String> differences) {

  public VerificationReport {
    differences = List.copyOf(differences);
  }

  public boolean ok() {
    return differences.isEmpty();
  }

  /** One line: {@code OK ...} or {@code MISMATCH ...: difference; difference}. */
  public String summary() {
    if (ok()) {
      return String.format(
          "OK %s: artifact 0x%s, training set %s (%d contributions), manifest 0x%s",
          adapterName, artifactSha256, trainingSetRoot, trainingSetCount, manifestSha256);
    }
    return "MISMATCH " + adapterName + ": " + String.join("; ", differences);
  }
}
