package io.payable.cli.bench;

import io.payable.index.scoring.ContributorScore;
import java.util.List;

/**
 * Recall and precision of one attribution method over planted outputs, each with one known
 * contributor (docs/benchmarks.md, "Planted passages with swapped words").
 *
 * <ul>
 *   <li>recall: the fraction of outputs whose planted contributor is credited (a share after the
 *       threshold and renormalisation);
 *   <li>precision: the fraction of the credited weight, over all attributed outputs, that goes to
 *       the planted contributor: the share of the data contributors' fees paid to the right one;
 *   <li>contributor precision: the fraction of credited contributors that are the planted one;
 *   <li>top-1: the fraction of outputs whose largest share is the planted contributor's.
 * </ul>
 *
 * Mutable; one per method and swap rate.
 */
final class PlantedScore {
  private int outputs;
  private int attributed;
  private int credited;
  private int top1;
  private int contributorsCredited;
  private double rightShare;

  /** Adds one output: its shares (highest first, as the job pays) and the planted contributor. */
  void add(List<ContributorScore> shares, String planted) {
    outputs++;
    if (shares.isEmpty()) {
      return;
    }
    attributed++;
    contributorsCredited += shares.size();
    if (shares.get(0).contributor().equals(planted)) {
      top1++;
    }
    for (ContributorScore s : shares) {
      if (s.contributor().equals(planted)) {
        credited++;
        rightShare += s.share();
      }
    }
  }

  int outputs() {
    return outputs;
  }

  int attributed() {
    return attributed;
  }

  double recall() {
    return outputs == 0 ? Double.NaN : (double) credited / outputs;
  }

  /** NaN when no output is attributed. */
  double precision() {
    return attributed == 0 ? Double.NaN : rightShare / attributed;
  }

  double contributorPrecision() {
    return contributorsCredited == 0 ? Double.NaN : (double) credited / contributorsCredited;
  }

  double top1() {
    return outputs == 0 ? Double.NaN : (double) top1 / outputs;
  }

  /** Mean number of contributors credited per attributed output. */
  double contributorsPerOutput() {
    return attributed == 0 ? Double.NaN : (double) contributorsCredited / attributed;
  }
}
