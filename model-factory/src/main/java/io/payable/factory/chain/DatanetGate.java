package io.payable.factory.chain;

import io.payable.contracts.generated.DatanetRegistry;
import io.payable.factory.FactoryException;
import java.util.List;
import org.web3j.utils.Numeric;

/**
 * Refuses a run on a Datanet that DatanetRegistry does not know, or that is closed: a closed
 * Datanet's owner has stopped its use, and a registration naming it would point attribution at a
 * Datanet that takes no more part.
 */
@FunctionalInterface
public interface DatanetGate {

  /** Throws {@link FactoryException} ({@code unknown_datanet}, {@code closed_datanet}). */
  void check(List<String> datanetIds);

  /** No chain configured: every Datanet with contributions may be used. */
  static DatanetGate none() {
    return ids -> {};
  }

  static DatanetGate of(DatanetRegistry registry) {
    return ids -> {
      for (String id : ids) {
        byte[] key = Numeric.hexStringToByteArray(id);
        boolean exists;
        boolean open;
        try {
          exists = registry.exists(key).send();
          open = exists && registry.isOpen(key).send();
        } catch (Exception e) {
          throw new FactoryException(
              "chain_unavailable", "Could not read DatanetRegistry: " + e.getMessage(), e);
        }
        if (!exists) {
          throw new FactoryException("unknown_datanet", "Datanet " + id + " is not registered");
        }
        if (!open) {
          throw new FactoryException("closed_datanet", "Datanet " + id + " is closed");
        }
      }
    };
  }
}
