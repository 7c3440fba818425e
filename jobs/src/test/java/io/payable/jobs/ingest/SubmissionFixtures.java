package io.payable.jobs.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.contracts.eip712.Contribution;
import io.payable.contracts.eip712.ContributionSignatures;
import io.payable.contracts.eip712.Eip712Domain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/** Signed submissions for ingest tests, signed as a wallet would (EIP-712). */
final class SubmissionFixtures {

  static final String REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  static final long CHAIN_ID = 31337;
  static final Eip712Domain DOMAIN = Eip712Domain.payableDatanets(CHAIN_ID, REGISTRY);
  static final String OPEN = "0x" + "aa".repeat(32);
  static final String CLOSED = "0x" + "bb".repeat(32);
  static final String UNKNOWN = "0x" + "cc".repeat(32);

  private static final ObjectMapper JSON = new ObjectMapper();

  private SubmissionFixtures() {}

  /** A deterministic key per seed, so failures are reproducible. */
  static Credentials key(long seed) {
    return Credentials.create(
        ECKeyPair.create(BigInteger.valueOf(seed).shiftLeft(64).add(BigInteger.valueOf(seed))));
  }

  /** Distinct text per contributor and nonce, long enough to pass the minimum token count. */
  static String passage(int contributor, int nonce) {
    return "Contributor "
        + contributor
        + " writes passage number "
        + nonce
        + " about whales, ships and the long patience of the sea.";
  }

  static byte[] signed(Credentials who, String datanet, long nonce, String content) {
    return signedBy(who, who, datanet, nonce, content);
  }

  /** A submission claiming to be from {@code claimed} but signed by {@code signer}. */
  static byte[] signedBy(
      Credentials signer, Credentials claimed, String datanet, long nonce, String content) {
    return sign(DOMAIN, signer, claimed, Numeric.hexStringToByteArray(datanet), nonce, content);
  }

  /** A submission signed in another EIP-712 domain (a deployed DatanetRegistry). */
  static byte[] signedIn(
      Eip712Domain domain, Credentials who, byte[] datanet, long nonce, String content) {
    return sign(domain, who, who, datanet, nonce, content);
  }

  private static byte[] sign(
      Eip712Domain domain,
      Credentials signer,
      Credentials claimed,
      byte[] datanet,
      long nonce,
      String content) {
    long timestamp = 1_800_000_000L + nonce;
    Contribution c =
        new Contribution(
            datanet,
            Hash.sha3(content.getBytes(StandardCharsets.UTF_8)),
            BigInteger.valueOf(nonce),
            timestamp);
    ObjectNode node = JSON.createObjectNode();
    node.put("version", 1);
    node.put("datanet_id", Numeric.toHexString(datanet));
    node.put("contributor", claimed.getAddress());
    node.put("nonce", Long.toString(nonce));
    node.put("timestamp", timestamp);
    node.put("content", content);
    node.put("license", "CC-BY-4.0");
    node.put("signature", ContributionSignatures.sign(domain, c, signer));
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] withField(byte[] record, String field, String value) {
    try {
      ObjectNode node = (ObjectNode) JSON.readTree(record);
      node.put(field, value);
      return node.toString().getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
