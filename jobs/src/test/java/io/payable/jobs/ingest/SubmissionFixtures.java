package io.payable.jobs.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.ingest.submission.SubmissionSigner;
import io.payable.ingest.submission.SubmissionWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
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
    return SubmissionWriter.toJson(
        SubmissionSigner.sign(
            domain,
            signer,
            claimed.getAddress(),
            datanet,
            BigInteger.valueOf(nonce),
            1_800_000_000L + nonce,
            content,
            Optional.of("CC-BY-4.0")));
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
