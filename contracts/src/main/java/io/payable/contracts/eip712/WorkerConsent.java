package io.payable.contracts.eip712;

import io.payable.contracts.generated.ModelRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A worker key's consent to be registered by an operator in ModelRegistry: the EIP-712 {@code
 * WorkerConsent(address signer,address operator,uint256 nonce,uint256 deadline)} in the domain
 * {"Payable Models", "1", chainId, ModelRegistry}, signed by the worker key itself.
 *
 * @param signer the worker key's address
 * @param operator the account that will call {@code registerWorker}
 * @param nonce the signer's current {@code nonces(signer)} in ModelRegistry
 * @param deadline last second (unix time) the consent is valid
 */
public record WorkerConsent(String signer, String operator, BigInteger nonce, BigInteger deadline) {

  static final byte[] TYPE_HASH =
      Hash.sha3(
          "WorkerConsent(address signer,address operator,uint256 nonce,uint256 deadline)"
              .getBytes(StandardCharsets.UTF_8));

  /** The domain of worker consents: ModelRegistry on {@code chainId}. */
  public static Eip712Domain domain(long chainId, String modelRegistry) {
    return new Eip712Domain("Payable Models", "1", chainId, modelRegistry);
  }

  public byte[] structHash() {
    return Hash.sha3(
        Abi.words(
            TYPE_HASH,
            Abi.address(signer),
            Abi.address(operator),
            Abi.uint(nonce),
            Abi.uint(deadline)));
  }

  /** The 0x-hex 65-byte signature (v of 27 or 28) by {@code worker}, whose address is signer. */
  public byte[] sign(Eip712Domain domain, Credentials worker) {
    if (!worker.getAddress().equalsIgnoreCase(signer)) {
      throw new IllegalArgumentException("the consent must be signed by the worker key " + signer);
    }
    Sign.SignatureData sig =
        Sign.signMessage(domain.digest(structHash()), worker.getEcKeyPair(), false);
    byte[] out = new byte[65];
    System.arraycopy(sig.getR(), 0, out, 0, 32);
    System.arraycopy(sig.getS(), 0, out, 32, 32);
    out[64] = sig.getV()[0];
    return out;
  }

  /**
   * Registers {@code worker} under the operator that {@code registryAsOperator} sends as: reads the
   * worker's nonce, has the worker key sign its consent valid for {@code validSeconds}, and sends
   * {@code registerWorker}.
   */
  public static TransactionReceipt register(
      ModelRegistry registryAsOperator,
      long chainId,
      String operator,
      Credentials worker,
      long nowSeconds,
      long validSeconds)
      throws Exception {
    BigInteger nonce = registryAsOperator.nonces(worker.getAddress()).send();
    WorkerConsent consent =
        new WorkerConsent(
            worker.getAddress(), operator, nonce, BigInteger.valueOf(nowSeconds + validSeconds));
    byte[] signature =
        consent.sign(domain(chainId, registryAsOperator.getContractAddress()), worker);
    return registryAsOperator
        .registerWorker(worker.getAddress(), consent.deadline(), signature)
        .send();
  }
}
