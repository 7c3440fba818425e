package io.payable.attribution.gradient;

import java.util.Map;
import java.util.TreeMap;

/**
 * Version 2's hybrid (docs/attribution.md, V2.7): span and gradient shares mixed with weight {@code
 * mu = hybrid_gradient_bps}, before version 1's threshold. The gradient side is given after its own
 * threshold ({@link GradientThreshold}), so its shares are those of the kept contributors.
 */
public final class HybridMix {
  private HybridMix() {}

  /**
   * The mixed raw weights {@code m_c} by contributor (ascending): {@code ((10000 - mu) p_c + mu
   * g_c) / 10000} when both sides are attributed, one side's shares when only it is, empty when
   * neither.
   */
  public static Map<String, Double> mix(
      Map<String, Double> spanRaw, Map<String, Double> gradientRaw, int mu) {
    if (mu < 0 || mu > 10_000) {
      throw new IllegalArgumentException("mixing weight outside [0, 10000] bps: " + mu);
    }
    Map<String, Double> p = shares(spanRaw);
    Map<String, Double> g = shares(gradientRaw);
    if (p.isEmpty()) {
      return g;
    }
    if (g.isEmpty()) {
      return p;
    }
    Map<String, Double> all = new TreeMap<>();
    p.keySet().forEach(c -> all.put(c, 0.0));
    g.keySet().forEach(c -> all.put(c, 0.0));
    Map<String, Double> m = new TreeMap<>();
    for (String c : all.keySet()) {
      double v = ((10_000 - mu) * p.getOrDefault(c, 0.0) + mu * g.getOrDefault(c, 0.0)) / 10_000;
      m.put(c, v);
    }
    return m;
  }

  /** Pre-threshold shares {@code raw_c / W}, W summed in address order; empty when W = 0. */
  static Map<String, Double> shares(Map<String, Double> raw) {
    Map<String, Double> sorted = new TreeMap<>(raw);
    double total = 0;
    for (double w : sorted.values()) {
      total += w;
    }
    Map<String, Double> out = new TreeMap<>();
    if (!(total > 0)) {
      return out;
    }
    for (Map.Entry<String, Double> e : sorted.entrySet()) {
      out.put(e.getKey(), e.getValue() / total);
    }
    return out;
  }
}
