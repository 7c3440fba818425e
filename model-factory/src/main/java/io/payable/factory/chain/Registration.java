package io.payable.factory.chain;

import java.math.BigInteger;
import java.util.List;

/**
 * What ModelRegistry records for a trained adapter; hashes are 0x-hex bytes32.
 *
 * @param registryKey the adapter's bytes32 key (keccak-256 of its name)
 */
public record Registration(
    String registryKey,
    String baseModel,
    List<String> datanetIds,
    String artifactHash,
    BigInteger pricePerToken,
    String trainingSetRoot,
    long trainingSetCount,
    String manifestHash,
    AttributionMethod method) {

  public Registration {
    datanetIds = List.copyOf(datanetIds);
  }
}
