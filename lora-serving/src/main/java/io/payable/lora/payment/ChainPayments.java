package io.payable.lora.payment;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.EscrowClient;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.ModelRegistry;
import io.payable.lora.metering.PriceBook;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Connects a worker to the chain for payments: a {@link PaymentGate} over the deployment's
 * ConsumerEscrow (accounts cached for a bounded time) and adapter prices from ModelRegistry.
 */
public final class ChainPayments {
  private static final Logger LOG = LoggerFactory.getLogger(ChainPayments.class);

  // Reads only: no transaction is ever sent with this key.
  private static final Credentials READER = Credentials.create("0x1");

  private ChainPayments() {}

  /**
   * A gate on the deployment's escrow, reading each consumer's account at most every {@code
   * maxStaleness}.
   */
  public static PaymentGate gate(ChainClient chain, Deployment deployment, Duration maxStaleness) {
    EscrowClient escrow = EscrowClient.connect(chain, deployment, READER);
    return new PaymentGate(
        escrow.voucherDomain(),
        new CachedEscrowView(escrow::account, maxStaleness, Clock.systemUTC()),
        Clock.systemUTC());
  }

  /**
   * Sets the price of every adapter the registry lists as active to its on-chain price per token;
   * adapters it does not know keep the price of the {@code --prices} file or the default. Returns
   * how many prices came from the chain.
   */
  public static int loadPrices(
      ChainClient chain, Deployment deployment, PriceBook prices, Collection<String> adapterIds)
      throws Exception {
    ModelRegistry registry =
        ModelRegistry.load(
            deployment.modelRegistry(),
            chain.web3j(),
            chain.transactionManager(READER),
            chain.gasProvider());
    int found = 0;
    for (String id : adapterIds) {
      ModelRegistry.Adapter a = registry.getAdapter(registryKey(id)).send();
      if (a.owner != null
          && Numeric.toBigInt(a.owner).signum() != 0
          && Boolean.TRUE.equals(a.active)) {
        prices.set(id, a.pricePerToken);
        found++;
      }
    }
    LOG.info("{} of {} adapter prices read from ModelRegistry", found, adapterIds.size());
    return found;
  }

  /** An adapter's ModelRegistry key: 32 bytes given as 0x hex, else keccak-256 of the UTF-8 id. */
  public static byte[] registryKey(String adapterId) {
    if (adapterId.matches("0x[0-9a-fA-F]{64}")) {
      return Numeric.hexStringToByteArray(adapterId);
    }
    return Hash.sha3(adapterId.getBytes(StandardCharsets.UTF_8));
  }
}
