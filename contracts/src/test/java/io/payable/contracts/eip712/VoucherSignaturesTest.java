package io.payable.contracts.eip712;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.contracts.testing.NodeScript;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/** Voucher digests and signatures against ethers' {@code Wallet.signTypedData} run by node. */
class VoucherSignaturesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  // anvil's well-known development keys; never use them on a real network.
  private static final String[] KEYS = {
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
  };
  private static final String ESCROW = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

  private static JsonNode ethers(String key, long chainId, BigInteger amount, long expiry)
      throws Exception {
    ObjectNode in = JSON.createObjectNode();
    in.put("privateKey", key);
    in.put("chainId", chainId);
    in.put("verifyingContract", ESCROW);
    in.put("cumulativeAmount", amount.toString());
    in.put("expiry", expiry);
    return JSON.readTree(NodeScript.run("voucher-vector.js", JSON.writeValueAsString(in)));
  }

  @Test
  void digestsAndSignaturesEqualThoseOfEthers() throws Exception {
    BigInteger[] amounts = {BigInteger.ZERO, new BigInteger("123456789012345678901234567890")};
    long[] expiries = {1_800_000_000L, 0};
    long[] chains = {31_337, 1};
    for (int i = 0; i < KEYS.length; i++) {
      Credentials consumer = Credentials.create(KEYS[i]);
      Eip712Domain domain = VoucherSignatures.domain(chains[i], ESCROW);
      Voucher voucher = new Voucher(consumer.getAddress(), amounts[i], expiries[i]);
      JsonNode vector = ethers(KEYS[i], chains[i], amounts[i], expiries[i]);

      assertThat(Numeric.toHexString(VoucherSignatures.digest(domain, voucher)))
          .isEqualTo(vector.get("digest").asText());
      assertThat(VoucherSignatures.sign(domain, voucher, consumer))
          .isEqualTo(vector.get("signature").asText());
      assertThat(VoucherSignatures.isValid(domain, voucher, vector.get("signature").asText()))
          .isTrue();
    }
  }

  @Test
  void theHeaderFormRoundTripsAndRefusesGarbage() {
    Credentials consumer = Credentials.create(KEYS[0]);
    Eip712Domain domain = VoucherSignatures.domain(31_337, ESCROW);
    SignedVoucher signed =
        SignedVoucher.sign(
            domain, new Voucher(consumer.getAddress(), BigInteger.TEN, 1_800_000_000L), consumer);
    assertThat(SignedVoucher.parse(signed.toHeader())).isEqualTo(signed);
    assertThat(
            VoucherSignatures.isValid(
                domain, SignedVoucher.parse(signed.toHeader()).voucher(), signed.signature()))
        .isTrue();
    // Another amount under the same signature recovers someone else.
    assertThat(
            VoucherSignatures.isValid(
                domain,
                new Voucher(consumer.getAddress(), BigInteger.valueOf(11), 1_800_000_000L),
                signed.signature()))
        .isFalse();
    for (String bad :
        new String[] {
          "",
          "0x01,1,1",
          consumer.getAddress() + ",ten,1," + signed.signature(),
          consumer.getAddress() + ",-1,1," + signed.signature(),
          "0x12,1,1," + signed.signature(),
          consumer.getAddress() + ",1,1,0x1234"
        }) {
      assertThatThrownBy(() -> SignedVoucher.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
