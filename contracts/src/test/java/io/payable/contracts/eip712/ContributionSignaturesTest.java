package io.payable.contracts.eip712;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.contracts.testing.NodeScript;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/** Contribution signatures against ethers' {@code Wallet.signTypedData} run by node. */
class ContributionSignaturesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  // anvil's well-known first development key; never use it on a real network.
  private static final String KEY =
      "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  private static final String REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

  private static Contribution contribution(long nonce, long timestamp) {
    return new Contribution(
        Numeric.hexStringToByteArray("0x" + "ab".repeat(32)),
        Contribution.contentHash("It is a truth universally acknowledged."),
        BigInteger.valueOf(nonce),
        timestamp);
  }

  private static JsonNode ethers(String key, long chainId, Contribution c) throws Exception {
    ObjectNode in = JSON.createObjectNode();
    in.put("privateKey", key);
    in.put("chainId", chainId);
    in.put("verifyingContract", REGISTRY);
    in.put("datanetId", Numeric.toHexString(c.datanetId()));
    in.put("contentHash", Numeric.toHexString(c.contentHash()));
    in.put("nonce", c.nonce().toString());
    in.put("timestamp", Long.toUnsignedString(c.timestamp()));
    return JSON.readTree(NodeScript.run("eip712-vector.js", JSON.writeValueAsString(in)));
  }

  @Test
  void digestsAndSignaturesEqualThoseOfEthers() throws Exception {
    String[] keys = {
      KEY,
      "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
      Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(424242), 64)
    };
    long[][] cases = {{0, 1_763_700_000L, 31_337}, {7, 0, 1}, {1L << 40, -1L, 8453}};
    for (int i = 0; i < keys.length; i++) {
      Contribution c = contribution(cases[i][0], cases[i][1]);
      long chainId = cases[i][2];
      Eip712Domain domain = Eip712Domain.payableDatanets(chainId, REGISTRY);
      Credentials signer = Credentials.create(keys[i]);
      JsonNode vector = ethers(keys[i], chainId, c);

      assertThat(Numeric.toHexString(ContributionSignatures.digest(domain, c)))
          .isEqualTo(vector.get("digest").asText());
      // RFC 6979 signing is deterministic, so the bytes match exactly.
      assertThat(ContributionSignatures.sign(domain, c, signer))
          .isEqualTo(vector.get("signature").asText());
      assertThat(ContributionSignatures.recover(domain, c, vector.get("signature").asText()))
          .hasValueSatisfying(
              a -> assertThat(a).isEqualToIgnoringCase(vector.get("address").asText()));
    }
  }

  @Test
  void aChangedFieldOrDomainRecoversSomeoneElse() {
    Credentials signer = Credentials.create(KEY);
    Eip712Domain domain = Eip712Domain.payableDatanets(31_337, REGISTRY);
    Contribution c = contribution(1, 100);
    String sig = ContributionSignatures.sign(domain, c, signer);
    assertThat(ContributionSignatures.isSignedBy(domain, c, sig, signer.getAddress())).isTrue();
    assertThat(
            ContributionSignatures.isSignedBy(
                domain, contribution(2, 100), sig, signer.getAddress()))
        .isFalse();
    assertThat(
            ContributionSignatures.isSignedBy(
                Eip712Domain.payableDatanets(1, REGISTRY), c, sig, signer.getAddress()))
        .isFalse();
  }

  @Test
  void malformedAndMalleableSignaturesAreRefused() {
    Credentials signer = Credentials.create(KEY);
    Eip712Domain domain = Eip712Domain.payableDatanets(31_337, REGISTRY);
    Contribution c = contribution(1, 100);
    byte[] sig = Numeric.hexStringToByteArray(ContributionSignatures.sign(domain, c, signer));

    assertThat(ContributionSignatures.recover(domain, c, "0x1234")).isEmpty();
    assertThat(ContributionSignatures.recover(domain, c, "not hex")).isEmpty();

    // v of 0 or 1: OpenZeppelin's ECDSA.recover refuses it (RegistriesITCase shows it on chain),
    // so a signature accepted here is always accepted there.
    byte[] zeroOneV = sig.clone();
    zeroOneV[64] -= 27;
    assertThat(ContributionSignatures.recover(domain, c, Numeric.toHexString(zeroOneV))).isEmpty();

    // (r, n - s, flipped v) is the same signature's malleable twin: refused, as OpenZeppelin does.
    BigInteger n =
        new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    byte[] twin = sig.clone();
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64));
    System.arraycopy(Numeric.toBytesPadded(n.subtract(s), 32), 0, twin, 32, 32);
    twin[64] = (byte) (sig[64] == 27 ? 28 : 27);
    assertThat(ContributionSignatures.recover(domain, c, Numeric.toHexString(twin))).isEmpty();
  }
}
