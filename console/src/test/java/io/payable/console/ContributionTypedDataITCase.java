package io.payable.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.anvil.AnvilChain;
import io.payable.contracts.anvil.AnvilOptions;
import io.payable.contracts.eip712.Contribution;
import io.payable.contracts.eip712.ContributionSignatures;
import io.payable.contracts.eip712.Eip712Domain;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.EthSign;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * The typed data the Console hands to a browser wallet, signed by an outside signer (anvil's {@code
 * eth_signTypedData_v4} with a development key), recovers to that key under the digest the ingest
 * job verifies: the page's signatures are ones the platform accepts.
 */
class ContributionTypedDataITCase {

  private static AnvilChain anvil;
  private static Web3j web3j;

  @BeforeAll
  static void start() {
    anvil = AnvilChain.start(AnvilOptions.defaults());
    web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
  }

  @AfterAll
  static void stop() {
    web3j.shutdown();
    anvil.close();
  }

  @Test
  void walletSignaturesOfTheTypedDataRecoverUnderTheIngestDigest() throws Exception {
    String registry = anvil.account(3).address();
    Eip712Domain domain = Eip712Domain.payableDatanets(anvil.chainId(), registry);
    List<BigInteger> nonces =
        List.of(
            BigInteger.ONE,
            new BigInteger("1764000000000000123"),
            BigInteger.TWO.pow(255).add(BigInteger.valueOf(7)));
    List<String> contents =
        List.of(
            "Call me Ishmael.",
            "Ünïcödé — 漢字 ✓",
            "line one\nline two\t\"quoted\" " + "x".repeat(300));
    for (int i = 0; i < nonces.size(); i++) {
      String signer = anvil.account(i + 1).address();
      byte[] datanet = org.web3j.crypto.Hash.sha3(("datanet-" + i).getBytes());
      String contentHash = Numeric.toHexString(Contribution.contentHash(contents.get(i)));
      long timestamp = 1_764_000_000L + i;
      String typed =
          Json.MAPPER.writeValueAsString(
              ContributionGateway.typedData(
                  anvil.chainId(),
                  registry,
                  Numeric.toHexString(datanet),
                  contentHash,
                  nonces.get(i),
                  timestamp));
      String signature =
          new Request<>(
                  "eth_signTypedData_v4",
                  List.of(signer, typed),
                  new HttpService(anvil.rpcUrl()),
                  EthSign.class)
              .send()
              .getSignature();
      Contribution contribution =
          new Contribution(
              datanet, Contribution.contentHash(contents.get(i)), nonces.get(i), timestamp);
      assertThat(ContributionSignatures.recover(domain, contribution, signature))
          .contains(signer.toLowerCase());
      // A different nonce is a different message: the signature does not carry over.
      Contribution other =
          new Contribution(
              datanet,
              Contribution.contentHash(contents.get(i)),
              nonces.get(i).add(BigInteger.ONE),
              timestamp);
      assertThat(ContributionSignatures.recover(domain, other, signature))
          .isNotEqualTo(java.util.Optional.of(signer.toLowerCase()));
    }
  }

  @Test
  void contributionIdsAreTheFormatsKeccakOfTheAbiEncoding() {
    // keccak256(abi.encode(bytes32 0x11..11, address 0x22..22, uint256 5)), computed with ethers'
    // AbiCoder and keccak256 (docs/formats.md defines the id).
    String id =
        ContributionGateway.contributionId(
            "0x" + "11".repeat(32), "0x" + "22".repeat(20), BigInteger.valueOf(5));
    assertThat(id).isEqualTo(EXPECTED_ID);
  }

  static final String EXPECTED_ID =
      "0x23a1f22a5b239121f6e0dcfb64611e0b63d19669142e44b8e4c561a3852247a2";
}
