package io.payable.contracts.anvil;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Settings of a local anvil chain.
 *
 * @param chainId the EIP-155 chain id (anvil's default is 31337)
 * @param accounts number of funded development accounts
 * @param blockTimeSeconds interval mining in seconds; 0 mines a block per transaction
 * @param stateFile where anvil loads its state from at start (when the file exists) and dumps it to
 *     when stopped ({@code --load-state} / {@code --dump-state}), to keep a chain across runs
 * @param startTimeoutMillis how long to wait for the RPC endpoint
 * @param port the 127.0.0.1 port to listen on; 0 picks a free one
 */
public record AnvilOptions(
    long chainId,
    int accounts,
    long blockTimeSeconds,
    Optional<Path> stateFile,
    long startTimeoutMillis,
    int port) {

  public static AnvilOptions defaults() {
    return new AnvilOptions(31337, 12, 0, Optional.empty(), 30_000, 0);
  }

  public AnvilOptions withChainId(long id) {
    return new AnvilOptions(id, accounts, blockTimeSeconds, stateFile, startTimeoutMillis, port);
  }

  public AnvilOptions withAccounts(int count) {
    return new AnvilOptions(chainId, count, blockTimeSeconds, stateFile, startTimeoutMillis, port);
  }

  public AnvilOptions withStateFile(Path file) {
    return new AnvilOptions(
        chainId, accounts, blockTimeSeconds, Optional.of(file), startTimeoutMillis, port);
  }

  /** The same on a fixed port, so a restarted chain keeps its RPC URL. */
  public AnvilOptions withPort(int fixedPort) {
    return new AnvilOptions(
        chainId, accounts, blockTimeSeconds, stateFile, startTimeoutMillis, fixedPort);
  }
}
