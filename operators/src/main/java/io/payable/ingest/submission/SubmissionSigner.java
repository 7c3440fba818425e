package io.payable.ingest.submission;

import io.payable.contracts.eip712.Contribution;
import io.payable.contracts.eip712.ContributionSignatures;
import io.payable.contracts.eip712.Eip712Domain;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/** Signs submissions as a contributor's wallet would ({@code eth_signTypedData_v4}). */
public final class SubmissionSigner {

  private SubmissionSigner() {}

  /** A submission by {@code signer}, signed in {@code domain}. */
  public static Submission sign(
      Eip712Domain domain,
      Credentials signer,
      byte[] datanetId,
      BigInteger nonce,
      long timestamp,
      String content,
      Optional<String> license) {
    return sign(domain, signer, signer.getAddress(), datanetId, nonce, timestamp, content, license);
  }

  /**
   * A submission that names {@code contributor} but is signed by {@code signer}: equal for honest
   * submissions, different to test forged ones.
   */
  public static Submission sign(
      Eip712Domain domain,
      Credentials signer,
      String contributor,
      byte[] datanetId,
      BigInteger nonce,
      long timestamp,
      String content,
      Optional<String> license) {
    byte[] contentHash = Contribution.contentHash(content);
    String signature =
        ContributionSignatures.sign(
            domain, new Contribution(datanetId, contentHash, nonce, timestamp), signer);
    return new Submission(
        datanetId,
        contributor.toLowerCase(java.util.Locale.ROOT),
        nonce,
        timestamp,
        content,
        contentHash,
        license,
        Map.of(),
        Numeric.hexStringToByteArray(signature));
  }
}
