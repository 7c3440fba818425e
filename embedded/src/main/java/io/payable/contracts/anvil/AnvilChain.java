package io.payable.contracts.anvil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/**
 * A local EVM chain: an {@code anvil} process from {@code contracts/node_modules}, listening on a
 * free 127.0.0.1 port, with its funded development accounts.
 *
 * <p>The process is stopped by {@link #close()} and, should the JVM exit first, by a shutdown hook,
 * so no chain outlives the test or the embedded runner that started it.
 */
public final class AnvilChain implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AnvilChain.class);

  /** System property (or environment variable {@code PAYABLE_ANVIL}) naming the binary. */
  public static final String ANVIL_PATH_PROPERTY = "payable.anvil";

  static final Path NODE_MODULES_BINARY =
      Paths.get("node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");

  private static final Pattern LISTENING = Pattern.compile("Listening on ([0-9.]+):(\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final String rpcUrl;
  private final long chainId;
  private final List<DevAccount> accounts;
  private final Thread shutdownHook;
  private final Path configFile;

  private AnvilChain(
      Process process, String rpcUrl, long chainId, List<DevAccount> accounts, Path configFile) {
    this.process = process;
    this.rpcUrl = rpcUrl;
    this.chainId = chainId;
    this.accounts = List.copyOf(accounts);
    this.configFile = configFile;
    this.shutdownHook = new Thread(process::destroyForcibly, "anvil-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts a fresh chain with the default settings (chain id 31337, 10 accounts). */
  public static AnvilChain start() {
    return start(AnvilOptions.defaults());
  }

  public static AnvilChain start(AnvilOptions options) {
    Path binary = locateBinary();
    Path configFile;
    try {
      configFile = Files.createTempFile("anvil-", ".json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(
        List.of(
            "--host", "127.0.0.1",
            "--port", Integer.toString(options.port()),
            "--chain-id", Long.toString(options.chainId()),
            "--accounts", Integer.toString(options.accounts()),
            "--config-out", configFile.toString()));
    if (options.blockTimeSeconds() > 0) {
      command.addAll(List.of("--block-time", Long.toString(options.blockTimeSeconds())));
    }
    options
        .stateFile()
        .ifPresent(
            f -> {
              try {
                Files.createDirectories(f.toAbsolutePath().getParent());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              if (Files.exists(f)) {
                command.addAll(List.of("--load-state", f.toString()));
              }
              command.addAll(List.of("--dump-state", f.toString()));
            });
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start anvil at " + binary, e);
    }
    try {
      int port = awaitListeningPort(process, options.startTimeoutMillis());
      String rpcUrl = "http://127.0.0.1:" + port;
      List<DevAccount> accounts = readAccounts(configFile);
      LOG.info("anvil (chain id {}) listening at {}", options.chainId(), rpcUrl);
      return new AnvilChain(process, rpcUrl, options.chainId(), accounts, configFile);
    } catch (RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /**
   * Finds the anvil binary: the {@value #ANVIL_PATH_PROPERTY} system property, the {@code
   * PAYABLE_ANVIL} environment variable, else {@code node_modules} of the contracts module found
   * from the working directory or any parent.
   */
  static Path locateBinary() {
    String configured =
        Optional.ofNullable(System.getProperty(ANVIL_PATH_PROPERTY))
            .orElse(System.getenv("PAYABLE_ANVIL"));
    if (configured != null) {
      return Paths.get(configured);
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      for (Path candidate :
          List.of(
              dir.resolve(NODE_MODULES_BINARY),
              dir.resolve("contracts").resolve(NODE_MODULES_BINARY))) {
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException(
        "anvil not found: build the contracts module (it runs npm ci) or set -D"
            + ANVIL_PATH_PROPERTY
            + " / PAYABLE_ANVIL");
  }

  private static int awaitListeningPort(Process process, long timeoutMillis) {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(2)));
                  } else if (!port.isDone()) {
                    LOG.debug("anvil: {}", line);
                  }
                }
              } catch (IOException e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(
                  new IllegalStateException("anvil exited before listening"));
            },
            "anvil-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return port.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting anvil", e);
    } catch (Exception e) {
      throw new IllegalStateException("anvil did not start: " + e.getMessage(), e);
    }
  }

  private static List<DevAccount> readAccounts(Path configFile) {
    try {
      JsonNode config = JSON.readTree(configFile.toFile());
      JsonNode addresses = config.get("available_accounts");
      JsonNode keys = config.get("private_keys");
      List<DevAccount> accounts = new ArrayList<>();
      for (int i = 0; i < addresses.size(); i++) {
        accounts.add(new DevAccount(addresses.get(i).asText(), keys.get(i).asText()));
      }
      return accounts;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read anvil's account list " + configFile, e);
    }
  }

  /** The JSON-RPC endpoint, {@code http://127.0.0.1:PORT}. */
  public String rpcUrl() {
    return rpcUrl;
  }

  public long chainId() {
    return chainId;
  }

  /** The funded development accounts, in anvil's order (account 0 first). */
  public List<DevAccount> accounts() {
    return accounts;
  }

  public DevAccount account(int index) {
    return accounts.get(index);
  }

  /** A new Web3j client for this chain; the caller shuts it down. */
  public Web3j newClient() {
    return Web3j.build(new HttpService(rpcUrl));
  }

  /** Moves the chain clock forward by {@code seconds} (applies from the next block). */
  public void increaseTime(long seconds) {
    rpc("evm_increaseTime", List.of(seconds));
  }

  /** Mines one block now. */
  public void mine() {
    rpc("evm_mine", List.of());
  }

  /** Moves the clock forward and mines a block, so views see the new time. */
  public void advance(long seconds) {
    increaseTime(seconds);
    mine();
  }

  /** Takes a snapshot of the chain state; {@link #revertTo} goes back to it. */
  public String snapshot() {
    return String.valueOf(rpc("evm_snapshot", List.of()));
  }

  public void revertTo(String snapshotId) {
    rpc("evm_revert", List.of(snapshotId));
  }

  private Object rpc(String method, List<?> params) {
    HttpService service = new HttpService(rpcUrl);
    try {
      RawResponse response = new Request<>(method, params, service, RawResponse.class).send();
      if (response.hasError()) {
        throw new IllegalStateException(method + " failed: " + response.getError().getMessage());
      }
      return response.getResult();
    } catch (IOException e) {
      throw new UncheckedIOException(method + " failed", e);
    } finally {
      try {
        service.close();
      } catch (IOException e) {
        LOG.debug("closing the RPC client", e);
      }
    }
  }

  /** Any JSON-RPC result. */
  public static final class RawResponse extends Response<Object> {}

  public boolean isRunning() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook stops the process anyway.
    }
    try {
      Files.deleteIfExists(configFile);
    } catch (IOException e) {
      LOG.debug("Could not delete {}", configFile, e);
    }
    LOG.info("anvil at {} stopped", rpcUrl);
  }
}
