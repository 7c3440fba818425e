package io.payable.attribution.trace;

import java.util.List;
import java.util.Map;

/**
 * What the attribution of an adapter's outputs needs to know about it (from ModelRegistry).
 *
 * @param datanetTreasuries treasury address of each of the adapter's Datanets, by Datanet id
 */
public record AdapterInfo(
    String adapterId, String owner, List<String> datanetIds, Map<String, String> datanetTreasuries)
    implements java.io.Serializable {

  public AdapterInfo {
    datanetIds = List.copyOf(datanetIds);
    datanetTreasuries = Map.copyOf(datanetTreasuries);
  }
}
