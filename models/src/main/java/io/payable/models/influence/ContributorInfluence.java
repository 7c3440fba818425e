package io.payable.models.influence;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Version 2's per-contributor aggregation (docs/attribution.md, version 2, 5): only positive
 * influence counts, and an example's score is split over its contributions by their target tokens.
 * The raw weights then go through version 1's threshold, renormalisation and fee split.
 */
public final class ContributorInfluence {
  private ContributorInfluence() {}

  /**
   * Raw weights by contributor address (ascending, as {@link String} orders them): in example
   * order, then piece order, each piece adds {@code (max(0, score_n) * tokens_piece) / tokens_n}.
   * Examples without target tokens add nothing. An empty map means no positive influence.
   */
  public static Map<String, Double> rawWeights(double[] scores, List<ExampleProvenance> examples) {
    return rawWeights(scores, examples, p -> true);
  }

  /**
   * As {@link #rawWeights(double[], List)}, crediting only pieces whose contribution is {@code
   * live} at the event's time: a tombstoned piece's part credits no one, and it still counts in its
   * example's target tokens (docs/attribution.md, V2.6 step 3).
   */
  public static Map<String, Double> rawWeights(
      double[] scores, List<ExampleProvenance> examples, Predicate<ExampleProvenance.Piece> live) {
    if (scores.length != examples.size()) {
      throw new IllegalArgumentException(
          scores.length + " scores for " + examples.size() + " examples");
    }
    Map<String, Double> raw = new TreeMap<>();
    for (int n = 0; n < scores.length; n++) {
      double s = scores[n];
      if (Double.isNaN(s)) {
        throw new IllegalArgumentException("score of example " + n + " is NaN");
      }
      long total = examples.get(n).targetTokens();
      if (!(s > 0) || total == 0) {
        continue;
      }
      for (ExampleProvenance.Piece p : examples.get(n).pieces()) {
        if (p.targetTokens() > 0 && live.test(p)) {
          raw.merge(p.contributor(), (s * p.targetTokens()) / total, Double::sum);
        }
      }
    }
    return raw;
  }

  /**
   * A store's provenance flattened for repeated aggregation: pieces in example then piece order,
   * contributors numbered in address order, so that {@link #rawWeights(double[], BitSet)} adds the
   * same doubles in the same order as {@link ContributorInfluence#rawWeights(double[], List,
   * Predicate)} without a map lookup per piece. Built once per store; immutable.
   */
  public static final class Table {
    private final long[] exampleTokens;
    private final int[] firstPiece;
    private final int[] pieceContributor;
    private final int[] pieceTokens;
    private final String[] contributors;
    private final Map<String, int[]> piecesOfContribution;
    private final Map<String, int[]> piecesOfContributor;

    private Table(List<ExampleProvenance> examples) {
      int n = examples.size();
      exampleTokens = new long[n];
      firstPiece = new int[n + 1];
      TreeMap<String, Integer> index = new TreeMap<>();
      int pieces = 0;
      for (int e = 0; e < n; e++) {
        ExampleProvenance x = examples.get(e);
        exampleTokens[e] = x.targetTokens();
        firstPiece[e] = pieces;
        pieces += x.pieces().size();
        for (ExampleProvenance.Piece p : x.pieces()) {
          index.put(p.contributor(), 0);
        }
      }
      firstPiece[n] = pieces;
      contributors = index.keySet().toArray(new String[0]);
      for (int c = 0; c < contributors.length; c++) {
        index.put(contributors[c], c);
      }
      pieceContributor = new int[pieces];
      pieceTokens = new int[pieces];
      Map<String, List<Integer>> byContribution = new HashMap<>();
      Map<String, List<Integer>> byContributor = new HashMap<>();
      int i = 0;
      for (ExampleProvenance x : examples) {
        for (ExampleProvenance.Piece p : x.pieces()) {
          pieceContributor[i] = index.get(p.contributor());
          pieceTokens[i] = p.targetTokens();
          byContribution.computeIfAbsent(p.contributionId(), k -> new ArrayList<>()).add(i);
          byContributor
              .computeIfAbsent(
                  p.contributor().toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
              .add(i);
          i++;
        }
      }
      piecesOfContribution = frozen(byContribution);
      piecesOfContributor = frozen(byContributor);
    }

    public static Table of(List<ExampleProvenance> examples) {
      return new Table(examples);
    }

    /** Number of pieces (the size of the dead-piece sets). */
    public int pieces() {
      return pieceTokens.length;
    }

    /** The pieces (indexes) of a contribution, none if it is not in the store. */
    public int[] piecesOfContribution(String contributionId) {
      return piecesOfContribution.getOrDefault(contributionId, new int[0]).clone();
    }

    /** The pieces (indexes) of a contributor (any case of the address). */
    public int[] piecesOfContributor(String contributor) {
      return piecesOfContributor
          .getOrDefault(contributor.toLowerCase(java.util.Locale.ROOT), new int[0])
          .clone();
    }

    /**
     * As {@link ContributorInfluence#rawWeights(double[], List, Predicate)}, the pieces in {@code
     * dead} (indexes in example then piece order; {@code null} for none) credited to no one.
     */
    public Map<String, Double> rawWeights(double[] scores, BitSet dead) {
      if (scores.length != exampleTokens.length) {
        throw new IllegalArgumentException(
            scores.length + " scores for " + exampleTokens.length + " examples");
      }
      double[] raw = new double[contributors.length];
      boolean[] present = new boolean[contributors.length];
      for (int n = 0; n < scores.length; n++) {
        double s = scores[n];
        if (Double.isNaN(s)) {
          throw new IllegalArgumentException("score of example " + n + " is NaN");
        }
        long total = exampleTokens[n];
        if (!(s > 0) || total == 0) {
          continue;
        }
        for (int i = firstPiece[n]; i < firstPiece[n + 1]; i++) {
          if (pieceTokens[i] > 0 && (dead == null || !dead.get(i))) {
            int c = pieceContributor[i];
            double v = (s * pieceTokens[i]) / total;
            // Map.merge with Double::sum: the first value as is, then old + new.
            raw[c] = present[c] ? raw[c] + v : v;
            present[c] = true;
          }
        }
      }
      Map<String, Double> out = new TreeMap<>();
      for (int c = 0; c < contributors.length; c++) {
        if (present[c]) {
          out.put(contributors[c], raw[c]);
        }
      }
      return out;
    }

    private static Map<String, int[]> frozen(Map<String, List<Integer>> m) {
      Map<String, int[]> out = new HashMap<>();
      m.forEach((k, v) -> out.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
      return Map.copyOf(out);
    }
  }
}
