package io.payable.factory.dataset;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Splits contributions (whole ones, so no text is in both splits) into training and eval sets: the
 * contributions sorted by id are shuffled by Fisher-Yates with {@link SplittableRandom} seeded by
 * the run's seed, and the first {@code floor(n * fraction)} go to eval (at least one when the
 * fraction is positive and there are two or more contributions; never all of them). The same ids,
 * seed and fraction always give the same split, whatever order they are read in.
 */
public final class EvalSplit {

  private EvalSplit() {}

  /** The ids of the eval split. */
  public static Set<String> evalIds(List<String> contributionIds, double fraction, long seed) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("eval fraction must be in [0, 1), got " + fraction);
    }
    List<String> ids = new ArrayList<>(contributionIds);
    ids.sort(null);
    int n = ids.size();
    int k = (int) Math.floor(n * fraction);
    if (fraction > 0 && k == 0 && n >= 2) {
      k = 1;
    }
    k = Math.min(k, Math.max(0, n - 1));
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      String t = ids.get(i);
      ids.set(i, ids.get(j));
      ids.set(j, t);
    }
    return new HashSet<>(ids.subList(0, k));
  }
}
