package io.payable.factory.chain;

import io.payable.attribution.intake.ChainAdapterDirectory;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.generated.ModelRegistry;
import io.payable.factory.FactoryException;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/** ModelRegistry as ModelFactory uses it: register trained adapters, read them back. */
public final class AdapterRegistry {

  private final ModelRegistry registry;

  public AdapterRegistry(ModelRegistry registry) {
    this.registry = registry;
  }

  /** ModelRegistry at {@code address} on {@code client}'s chain, registering as {@code sender}. */
  public static AdapterRegistry signing(ChainClient client, String address, Credentials sender) {
    return new AdapterRegistry(
        ModelRegistry.load(
            address, client.web3j(), client.transactionManager(sender), client.gasProvider()));
  }

  /** The bytes32 key of an adapter name, as the workers and the attribution job compute it. */
  public static String registryKey(String adapterName) {
    return Numeric.toHexString(ChainAdapterDirectory.registryKey(adapterName));
  }

  /** Sends {@code registerTrainedAdapter} and waits for its receipt. */
  public TransactionReceipt register(Registration r) {
    try {
      return registry
          .registerTrainedAdapter(
              bytes32(r.registryKey()),
              bytes32(r.baseModel()),
              r.datanetIds().stream().map(AdapterRegistry::bytes32).toList(),
              bytes32(r.artifactHash()),
              r.pricePerToken(),
              new ModelRegistry.Provenance(
                  bytes32(r.trainingSetRoot()),
                  BigInteger.valueOf(r.trainingSetCount()),
                  bytes32(r.manifestHash()),
                  BigInteger.valueOf(r.method().ordinal())))
          .send();
    } catch (Exception e) {
      throw new FactoryException(
          "registration_failed",
          "ModelRegistry.registerTrainedAdapter failed: " + e.getMessage(),
          e);
    }
  }

  /** The adapter registered under {@code registryKey}, if any. */
  public Optional<RegisteredAdapter> read(String registryKey) {
    try {
      ModelRegistry.Adapter a = registry.getAdapter(bytes32(registryKey)).send();
      if (a.owner == null || new BigInteger(a.owner.substring(2), 16).signum() == 0) {
        return Optional.empty();
      }
      ModelRegistry.Provenance p = registry.provenanceOf(bytes32(registryKey)).send();
      List<String> datanets = a.datanetIds.stream().map(AdapterRegistry::hex).toList();
      return Optional.of(
          new RegisteredAdapter(
              a.owner.toLowerCase(Locale.ROOT),
              hex(a.baseModel),
              datanets,
              hex(a.artifactHash),
              a.active,
              hex(p.trainingSetRoot),
              p.trainingSetCount.longValueExact(),
              hex(p.manifestHash),
              AttributionMethod.values()[p.method.intValueExact()]));
    } catch (FactoryException e) {
      throw e;
    } catch (Exception e) {
      throw new FactoryException(
          "chain_unavailable", "Could not read ModelRegistry: " + e.getMessage(), e);
    }
  }

  static byte[] bytes32(String hex) {
    byte[] b = Numeric.hexStringToByteArray(hex);
    if (b.length != 32) {
      throw new IllegalArgumentException("not a bytes32: " + hex);
    }
    return b;
  }

  private static String hex(byte[] b) {
    return Numeric.toHexString(b).toLowerCase(Locale.ROOT);
  }
}
