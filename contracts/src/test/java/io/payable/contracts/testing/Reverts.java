package io.payable.contracts.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.tx.Contract;
import org.web3j.utils.Numeric;

/**
 * Asserts that a contract call reverts with a given custom error, by simulating it with eth_call
 * from the given sender and comparing the 4-byte selector of the revert data.
 */
public final class Reverts {

  private Reverts() {}

  /** The 4-byte selector of an error or function signature, e.g. {@code "NoActiveRoot()"}. */
  public static String selector(String signature) {
    return Numeric.toHexString(Hash.sha3(signature.getBytes(StandardCharsets.UTF_8)))
        .substring(0, 10);
  }

  /** The revert data of {@code call} sent by {@code from}; fails when the call succeeds. */
  public static String revertData(
      Web3j web3j, String from, Contract contract, RemoteFunctionCall<?> call) {
    try {
      EthCall result =
          web3j
              .ethCall(
                  Transaction.createEthCallTransaction(
                      from, contract.getContractAddress(), call.encodeFunctionCall()),
                  DefaultBlockParameterName.LATEST)
              .send();
      assertThat(result.hasError())
          .as("expected a revert, the call returned %s", result.getValue())
          .isTrue();
      String data = result.getError().getData();
      return data == null ? "" : data.replace("\"", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void assertRevertsWith(
      Web3j web3j, String from, Contract contract, RemoteFunctionCall<?> call, String error) {
    assertThat(revertData(web3j, from, contract, call))
        .as("revert data of %s", error)
        .startsWith(selector(error));
  }

  /**
   * Asserts that deploying {@code bytecode} with ABI-encoded {@code constructorArgs} reverts with
   * {@code error}, by simulating the creation with eth_call (no {@code to}); nothing is deployed.
   */
  public static void assertDeployRevertsWith(
      Web3j web3j, String from, String bytecode, String constructorArgs, String error) {
    try {
      EthCall result =
          web3j
              .ethCall(
                  Transaction.createEthCallTransaction(
                      from, null, Numeric.prependHexPrefix(bytecode + constructorArgs)),
                  DefaultBlockParameterName.LATEST)
              .send();
      assertThat(result.hasError()).as("expected the deployment to revert with %s", error).isTrue();
      String data = result.getError().getData();
      assertThat(data == null ? "" : data.replace("\"", ""))
          .as("revert data of %s", error)
          .startsWith(selector(error));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
