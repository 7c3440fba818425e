package io.payable.attribution.trace;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the attribution of an adapter's outputs needs to know about it (from ModelRegistry).
 *
 * @param datanetTreasuries treasury address of each of the adapter's Datanets, by Datanet id
 * @param method how its outputs are attributed: {@code spans}, {@code gradient} or {@code hybrid}
 *     (ModelRegistry {@code Provenance.method}; docs/attribution.md)
 */
public record AdapterInfo(
    String adapterId,
    String owner,
    List<String> datanetIds,
    Map<String, String> datanetTreasuries,
    String method)
    implements java.io.Serializable {

  public static final String SPANS = "spans";
  public static final String GRADIENT = "gradient";
  public static final String HYBRID = "hybrid";

  public AdapterInfo {
    datanetIds = List.copyOf(datanetIds);
    datanetTreasuries = Map.copyOf(datanetTreasuries);
    method = method.toLowerCase(Locale.ROOT);
    if (!List.of(SPANS, GRADIENT, HYBRID).contains(method)) {
      throw new IllegalArgumentException(
          "attribution method is not spans, gradient or hybrid: " + method);
    }
  }

  /** An adapter attributed by spans (version 1). */
  public AdapterInfo(
      String adapterId,
      String owner,
      List<String> datanetIds,
      Map<String, String> datanetTreasuries) {
    this(adapterId, owner, datanetIds, datanetTreasuries, SPANS);
  }

  /** Whether its events need a query sketch and an influence store (gradient or hybrid). */
  public boolean usesGradients() {
    return !method.equals(SPANS);
  }
}
