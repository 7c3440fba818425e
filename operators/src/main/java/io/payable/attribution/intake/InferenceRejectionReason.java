package io.payable.attribution.intake;

import io.payable.wire.inference.InvalidInferenceBatchException;
import java.util.Locale;

/**
 * Why the attribution job refused an inference record or event (topic {@code
 * inference.rejections}). Record-level codes are those of the envelope reader; event-level codes
 * follow.
 */
public enum InferenceRejectionReason {
  TOO_LARGE,
  TRUNCATED,
  BAD_MAGIC,
  UNSUPPORTED_VERSION,
  BAD_SIGNATURE,
  UNKNOWN_WORKER,
  WORKER_MISMATCH,
  MALFORMED_ARROW,
  SCHEMA_MISMATCH,
  INVALID_FIELD,
  EMPTY,
  /** The event names an adapter that ModelRegistry does not know (or has deactivated). */
  UNKNOWN_ADAPTER,
  /** An event with this id was already attributed. */
  DUPLICATE_EVENT,
  /** The fee is zero: there is nothing to attribute. */
  NON_POSITIVE_FEE,
  /** The fee does not fit the tables' decimal(38,0). */
  FEE_OUT_OF_RANGE,
  /** Listed in {@code input.skip-records} by an operator (docs/operations.md). */
  SKIPPED,
  /** An {@code index.manifest} record that is not a readable shard event. */
  MALFORMED_MANIFEST_EVENT,
  /**
   * The event's voucher does not cover its consumer's cumulative charges including this event's
   * fee, its signature is not the consumer's, or (when vouchers are required) it has none: nobody
   * would pay for it, so it is not attributed ({@link ConsumerLedger}).
   */
  UNPAID,
  /** A {@code gradient} or {@code hybrid} adapter's event without a query sketch (V2.4). */
  MISSING_SKETCH,
  /** A query sketch whose dimension is not the adapter's influence store's (V2.4). */
  BAD_SKETCH,
  /**
   * An audited query sketch farther from the job's recomputation than {@code sketch_tolerance_bps}
   * (V2.8); the rejection keeps the signed sketch as evidence against the worker.
   */
  SKETCH_MISMATCH,
  /** The adapter's influence store cannot be read or its hash is not the manifest's. */
  INFLUENCE_STORE_UNAVAILABLE;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static InferenceRejectionReason of(InvalidInferenceBatchException.Reason reason) {
    return valueOf(reason.name());
  }
}
