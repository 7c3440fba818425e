package io.payable.wire.inference;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/**
 * One completed, metered inference: what a LoRA worker produced for a consumer and what it charged.
 * The attribution job traces {@link #outputText()} back to Datanet contributions and splits {@link
 * #feeWei()} among the contributors, the model owner, the worker and the protocol.
 *
 * <p>Money is a {@link BigInteger} amount of wei (uint256); it is never a floating point number.
 *
 * @param eventId globally unique id of the event (the attribution job dedupes on it)
 * @param workerId Ethereum address of the worker key that signs the batch, {@code 0x} + 40 lower
 *     case hex digits
 * @param modelId base model id
 * @param adapterId LoRA adapter id (the model registry key)
 * @param adapterVersion adapter version or artifact hash
 * @param consumer the paying consumer (an address or an account id)
 * @param feeWei fee charged, {@code 0 <= fee < 2^256}
 * @param priceBasis what the unit price applies to
 * @param priceWei unit price in wei per {@link #priceBasis()} unit
 * @param outputText the generated text
 * @param promptTokens prompt length in tokens
 * @param outputTokens number of generated tokens
 * @param requestTime when the request arrived
 * @param firstTokenTime when the first output token was produced
 * @param doneTime when the request completed
 * @param voucher the consumer's payment voucher the worker served against; null for events of
 *     workers that take no payment (schema version 1)
 * @param querySketch the query sketch of the output (attribution v2), signed by the worker for
 *     adapters attributed by the {@code gradient} or {@code hybrid} method; null otherwise
 */
public record InferenceEvent(
    String eventId,
    String workerId,
    String modelId,
    String adapterId,
    String adapterVersion,
    String consumer,
    BigInteger feeWei,
    PriceBasis priceBasis,
    BigInteger priceWei,
    String outputText,
    int promptTokens,
    int outputTokens,
    Instant requestTime,
    Instant firstTokenTime,
    Instant doneTime,
    PaymentVoucher voucher,
    QuerySketch querySketch) {

  /** Largest uint256 plus one. */
  public static final BigInteger UINT256_LIMIT = BigInteger.ONE.shiftLeft(256);

  public InferenceEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(adapterId, "adapterId");
    Objects.requireNonNull(adapterVersion, "adapterVersion");
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(feeWei, "feeWei");
    Objects.requireNonNull(priceBasis, "priceBasis");
    Objects.requireNonNull(priceWei, "priceWei");
    Objects.requireNonNull(outputText, "outputText");
    Objects.requireNonNull(requestTime, "requestTime");
    Objects.requireNonNull(firstTokenTime, "firstTokenTime");
    Objects.requireNonNull(doneTime, "doneTime");
    if (eventId.isEmpty()) {
      throw new IllegalArgumentException("eventId is empty");
    }
    requireUint256(feeWei, "feeWei");
    requireUint256(priceWei, "priceWei");
    if (promptTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException("token counts must be >= 0");
    }
  }

  /** An event without a payment voucher (a worker that takes no payment). */
  public InferenceEvent(
      String eventId,
      String workerId,
      String modelId,
      String adapterId,
      String adapterVersion,
      String consumer,
      BigInteger feeWei,
      PriceBasis priceBasis,
      BigInteger priceWei,
      String outputText,
      int promptTokens,
      int outputTokens,
      Instant requestTime,
      Instant firstTokenTime,
      Instant doneTime) {
    this(
        eventId,
        workerId,
        modelId,
        adapterId,
        adapterVersion,
        consumer,
        feeWei,
        priceBasis,
        priceWei,
        outputText,
        promptTokens,
        outputTokens,
        requestTime,
        firstTokenTime,
        doneTime,
        null,
        null);
  }

  /** An event with a payment voucher (or null) and without a query sketch. */
  public InferenceEvent(
      String eventId,
      String workerId,
      String modelId,
      String adapterId,
      String adapterVersion,
      String consumer,
      BigInteger feeWei,
      PriceBasis priceBasis,
      BigInteger priceWei,
      String outputText,
      int promptTokens,
      int outputTokens,
      Instant requestTime,
      Instant firstTokenTime,
      Instant doneTime,
      PaymentVoucher voucher) {
    this(
        eventId,
        workerId,
        modelId,
        adapterId,
        adapterVersion,
        consumer,
        feeWei,
        priceBasis,
        priceWei,
        outputText,
        promptTokens,
        outputTokens,
        requestTime,
        firstTokenTime,
        doneTime,
        voucher,
        null);
  }

  /** This event with {@code voucher}. */
  public InferenceEvent withVoucher(PaymentVoucher voucher) {
    return new InferenceEvent(
        eventId,
        workerId,
        modelId,
        adapterId,
        adapterVersion,
        consumer,
        feeWei,
        priceBasis,
        priceWei,
        outputText,
        promptTokens,
        outputTokens,
        requestTime,
        firstTokenTime,
        doneTime,
        voucher,
        querySketch);
  }

  /** This event with {@code sketch} (null: none). */
  public InferenceEvent withQuerySketch(QuerySketch sketch) {
    return new InferenceEvent(
        eventId,
        workerId,
        modelId,
        adapterId,
        adapterVersion,
        consumer,
        feeWei,
        priceBasis,
        priceWei,
        outputText,
        promptTokens,
        outputTokens,
        requestTime,
        firstTokenTime,
        doneTime,
        voucher,
        sketch);
  }

  /**
   * The EIP-712 voucher {@code Voucher(consumer, cumulativeAmount, expiry)} of the event's {@link
   * #consumer()}, as the consumer signed it for ConsumerEscrow (docs/contracts.md).
   *
   * @param cumulativeAmount total spend the consumer authorised, wei
   * @param expiry unix seconds
   * @param signature 0x + 130 hex digits (r || s || v)
   */
  public record PaymentVoucher(BigInteger cumulativeAmount, long expiry, String signature) {
    public PaymentVoucher {
      Objects.requireNonNull(cumulativeAmount, "cumulativeAmount");
      Objects.requireNonNull(signature, "signature");
      requireUint256(cumulativeAmount, "voucher cumulativeAmount");
      if (expiry < 0) {
        throw new IllegalArgumentException("voucher expiry is negative");
      }
      if (!signature.matches("0x[0-9a-fA-F]{130}")) {
        throw new IllegalArgumentException("voucher signature is not 0x + 130 hex digits");
      }
    }
  }

  private static void requireUint256(BigInteger v, String name) {
    if (v.signum() < 0 || v.compareTo(UINT256_LIMIT) >= 0) {
      throw new IllegalArgumentException(name + " is not a uint256: " + v);
    }
  }

  /** What a unit price is charged on. */
  public enum PriceBasis {
    /** fee = price x output tokens */
    PER_OUTPUT_TOKEN,
    /** fee = price x (prompt + output tokens) */
    PER_TOTAL_TOKEN
  }
}
