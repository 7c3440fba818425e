package io.payable.wire.inference;

import io.payable.wire.inference.InvalidInferenceBatchException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * The signed Kafka record value that carries one inference-event batch.
 *
 * <pre>
 * offset  size  field
 * 0       4     magic "PYIE"
 * 4       1     envelope version (1)
 * 5       65    signature r(32) | s(32) | v(1, 27 or 28)
 * 70      ...   payload: Arrow IPC stream ({@link InferenceEventCodec})
 * </pre>
 *
 * The signature is an Ethereum personal-sign ({@code eth_sign}, EIP-191 version 0x45) of the
 * 32-byte {@code keccak256(payload)}: any wallet or HSM that can personal-sign a hash can act as a
 * worker key, and the payload is hashed once however large it is.
 */
public final class InferenceEventEnvelope {

  public static final byte[] MAGIC = "PYIE".getBytes(StandardCharsets.US_ASCII);
  public static final int ENVELOPE_VERSION = 1;
  public static final int HEADER_SIZE = 4 + 1 + 65;

  /** Records larger than this are refused before any parsing (Kafka's default is 1 MiB). */
  public static final int MAX_RECORD_BYTES = 64 << 20;

  private InferenceEventEnvelope() {}

  /** Lower-case {@code 0x} address of a key. */
  public static String address(ECKeyPair key) {
    return "0x" + Keys.getAddress(key.getPublicKey()).toLowerCase(Locale.ROOT);
  }

  /**
   * Encodes and signs a batch. Every event must name the signing key's address as its worker, so a
   * verifier can tie each event to the key that vouches for it.
   */
  public static byte[] sign(List<InferenceEvent> events, ECKeyPair key) {
    String worker = address(key);
    for (InferenceEvent e : events) {
      if (!worker.equals(e.workerId().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "event " + e.eventId() + " names worker " + e.workerId() + ", key is " + worker);
      }
    }
    byte[] payload = InferenceEventCodec.encode(events);
    Sign.SignatureData sig = Sign.signPrefixedMessage(Hash.sha3(payload), key);
    ByteBuffer out = ByteBuffer.allocate(HEADER_SIZE + payload.length);
    out.put(MAGIC).put((byte) ENVELOPE_VERSION);
    out.put(sig.getR()).put(sig.getS()).put(sig.getV());
    out.put(payload);
    return out.array();
  }

  /** Verifies a record from any signer; the caller checks the signer's registration. */
  public static SignedInferenceBatch verify(byte[] record) throws InvalidInferenceBatchException {
    return verify(record, signer -> true);
  }

  /** Verifies a record and requires its signer to be one of {@code registeredWorkers}. */
  public static SignedInferenceBatch verify(byte[] record, Set<String> registeredWorkers)
      throws InvalidInferenceBatchException {
    return verify(record, a -> registeredWorkers.contains(a));
  }

  /**
   * Checks framing and signature, recovers the signer, decodes the payload and checks that every
   * event names the signer as its worker.
   *
   * @param isRegistered accepts lower-case signer addresses of registered workers
   * @throws InvalidInferenceBatchException with a reason code for anything else
   */
  public static SignedInferenceBatch verify(byte[] record, Predicate<String> isRegistered)
      throws InvalidInferenceBatchException {
    if (record == null || record.length < HEADER_SIZE) {
      throw new InvalidInferenceBatchException(Reason.TRUNCATED, "record shorter than header");
    }
    if (record.length > MAX_RECORD_BYTES) {
      throw new InvalidInferenceBatchException(
          Reason.TOO_LARGE, record.length + " bytes > " + MAX_RECORD_BYTES);
    }
    if (!Arrays.equals(record, 0, 4, MAGIC, 0, 4)) {
      throw new InvalidInferenceBatchException(Reason.BAD_MAGIC, "not an inference-event record");
    }
    int version = record[4] & 0xff;
    if (version != ENVELOPE_VERSION) {
      throw new InvalidInferenceBatchException(
          Reason.UNSUPPORTED_VERSION, "envelope version " + version);
    }
    byte[] r = Arrays.copyOfRange(record, 5, 37);
    byte[] s = Arrays.copyOfRange(record, 37, 69);
    byte v = record[69];
    byte[] payload = Arrays.copyOfRange(record, HEADER_SIZE, record.length);
    String signer = recover(Hash.sha3(payload), new Sign.SignatureData(v, r, s));
    if (!isRegistered.test(signer)) {
      throw new InvalidInferenceBatchException(
          Reason.UNKNOWN_WORKER, "signer " + signer + " is not a registered worker");
    }
    List<InferenceEvent> events = InferenceEventCodec.decode(payload);
    for (InferenceEvent e : events) {
      if (!signer.equals(e.workerId().toLowerCase(Locale.ROOT))) {
        throw new InvalidInferenceBatchException(
            Reason.WORKER_MISMATCH,
            "event " + e.eventId() + " names worker " + e.workerId() + ", signed by " + signer);
      }
    }
    return new SignedInferenceBatch(version, signer, events);
  }

  private static String recover(byte[] digest, Sign.SignatureData sig)
      throws InvalidInferenceBatchException {
    int v = sig.getV()[0] & 0xff;
    if (v != 27 && v != 28) {
      throw new InvalidInferenceBatchException(Reason.BAD_SIGNATURE, "v must be 27 or 28");
    }
    try {
      return "0x"
          + Keys.getAddress(Sign.signedPrefixedMessageToKey(digest, sig)).toLowerCase(Locale.ROOT);
    } catch (SignatureException | RuntimeException e) {
      throw new InvalidInferenceBatchException(Reason.BAD_SIGNATURE, String.valueOf(e), e);
    }
  }
}
