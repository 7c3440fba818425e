package io.payable.contracts.anvil;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Settings of a local anvil chain.
 *
 * @param chainId the EIP-155 chain id (anvil's default is 31337)
 * @param accounts number of funded development accounts
 * @param blockTimeSeconds interval mining in seconds; 0 mines a block per transaction
 * @param stateFile where anvil loads and dumps its state, to keep a chain across runs
 * @param startTimeoutMillis how long to wait for the RPC endpoint
 */
public record AnvilOptions(
    long chainId,
    int accounts,
    long blockTimeSeconds,
    Optional<Path> stateFile,
    long startTimeoutMillis) {

  public static AnvilOptions defaults() {
    return new AnvilOptions(31337, 12, 0, Optional.empty(), 30_000);
  }

  public AnvilOptions withChainId(long id) {
    return new AnvilOptions(id, accounts, blockTimeSeconds, stateFile, startTimeoutMillis);
  }

  public AnvilOptions withAccounts(int count) {
    return new AnvilOptions(chainId, count, blockTimeSeconds, stateFile, startTimeoutMillis);
  }

  public AnvilOptions withStateFile(Path file) {
    return new AnvilOptions(
        chainId, accounts, blockTimeSeconds, Optional.of(file), startTimeoutMillis);
  }
}
