package io.payable.contracts.anvil;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.web3j.protocol.Web3j;

/**
 * JUnit 5 extension that runs an {@link AnvilChain} for the tests of a class.
 *
 * <pre>{@code
 * @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();
 * }</pre>
 */
public final class AnvilExtension implements BeforeAllCallback, AfterAllCallback {

  private final AnvilOptions options;
  private AnvilChain chain;
  private Web3j web3j;

  public AnvilExtension() {
    this(AnvilOptions.defaults());
  }

  public AnvilExtension(AnvilOptions options) {
    this.options = options;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    chain = AnvilChain.start(options);
    web3j = chain.newClient();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (web3j != null) {
      web3j.shutdown();
      web3j = null;
    }
    if (chain != null) {
      chain.close();
      chain = null;
    }
  }

  public AnvilChain chain() {
    if (chain == null) {
      throw new IllegalStateException("anvil is not running; register the extension");
    }
    return chain;
  }

  /** A client shared by the tests of the class. */
  public Web3j web3j() {
    chain();
    return web3j;
  }
}
