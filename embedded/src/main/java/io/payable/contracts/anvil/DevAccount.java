package io.payable.contracts.anvil;

import org.web3j.crypto.Credentials;

/**
 * A funded development account of a local chain: its address and private key.
 *
 * <p>These keys are public knowledge (anvil's default mnemonic); never use them on a real network.
 */
public record DevAccount(String address, String privateKey) {

  public Credentials credentials() {
    return Credentials.create(privateKey);
  }

  @Override
  public String toString() {
    // Keys stay out of logs, even for dev accounts.
    return "DevAccount[" + address + "]";
  }
}
