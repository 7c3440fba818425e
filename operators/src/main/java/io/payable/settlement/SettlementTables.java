package io.payable.settlement;

import io.payable.ingest.sink.IngestTables;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.types.Types;

/**
 * The Iceberg tables of the settlement job (documented in docs/operations.md and
 * docs/analyst-guide.md). Wei amounts are {@code decimal(38,0)}.
 */
public final class SettlementTables {

  public static final Namespace NAMESPACE = Namespace.of("payable");
  public static final TableIdentifier EPOCH_REWARDS =
      TableIdentifier.of(NAMESPACE, "epoch_rewards");
  public static final TableIdentifier SETTLEMENTS = TableIdentifier.of(NAMESPACE, "settlements");

  public static final TableIdentifier CONSUMER_CHARGES =
      TableIdentifier.of(NAMESPACE, "consumer_charges");

  /** Reward records that credit nobody; the schema of {@code IngestTables.REJECTIONS_SCHEMA}. */
  public static final TableIdentifier REJECTIONS =
      TableIdentifier.of(NAMESPACE, "reward_rejections");

  /** Largest amount a {@code decimal(38,0)} column holds. */
  public static final BigInteger MAX_WEI = BigInteger.TEN.pow(38).subtract(BigInteger.ONE);

  public static final Schema EPOCH_REWARDS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "epoch", Types.LongType.get()),
          Types.NestedField.required(2, "account", Types.StringType.get()),
          Types.NestedField.required(3, "epoch_amount_wei", Types.DecimalType.of(38, 0)),
          Types.NestedField.required(4, "cumulative_wei", Types.DecimalType.of(38, 0)),
          Types.NestedField.required(5, "credits", Types.IntegerType.get()),
          Types.NestedField.required(6, "late_credits", Types.IntegerType.get()),
          Types.NestedField.required(7, "leaf_hash", Types.StringType.get()),
          Types.NestedField.required(
              8, "proof", Types.ListType.ofRequired(10, Types.StringType.get())),
          Types.NestedField.required(9, "root", Types.StringType.get()));

  public static final Schema SETTLEMENTS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "epoch", Types.LongType.get()),
          Types.NestedField.required(2, "root", Types.StringType.get()),
          Types.NestedField.required(3, "total_cumulative_wei", Types.DecimalType.of(38, 0)),
          Types.NestedField.required(4, "epoch_total_wei", Types.DecimalType.of(38, 0)),
          Types.NestedField.required(5, "accounts", Types.IntegerType.get()),
          Types.NestedField.required(6, "active_accounts", Types.IntegerType.get()),
          Types.NestedField.required(7, "late_credits", Types.IntegerType.get()),
          Types.NestedField.required(8, "manifest_hash", Types.StringType.get()),
          Types.NestedField.optional(9, "tx_hash", Types.StringType.get()),
          Types.NestedField.optional(10, "block_number", Types.LongType.get()),
          Types.NestedField.optional(11, "gas_used", Types.LongType.get()),
          Types.NestedField.required(12, "status", Types.StringType.get()),
          Types.NestedField.required(13, "recorded_at", Types.TimestampType.withZone()));

  /**
   * Per epoch and consumer charged in it: the fees of the epoch, the cumulative charges, and what
   * ConsumerEscrow had redeemed from the consumer when the epoch's root was released.
   */
  public static final Schema CONSUMER_CHARGES_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "epoch", Types.LongType.get()),
          Types.NestedField.required(2, "consumer", Types.StringType.get()),
          Types.NestedField.required(3, "epoch_charged_wei", Types.DecimalType.of(38, 0)),
          Types.NestedField.required(4, "charged_wei", Types.DecimalType.of(38, 0)),
          Types.NestedField.required(5, "redeemed_wei", Types.DecimalType.of(38, 0)),
          Types.NestedField.required(6, "shortfall_wei", Types.DecimalType.of(38, 0)),
          Types.NestedField.required(7, "events", Types.IntegerType.get()),
          Types.NestedField.required(8, "status", Types.StringType.get()),
          Types.NestedField.optional(9, "tx_hash", Types.StringType.get()),
          Types.NestedField.required(10, "recorded_at", Types.TimestampType.withZone()));

  private SettlementTables() {}

  /** Creates the namespace and the tables that do not exist yet. */
  public static void ensure(Catalog catalog) {
    ensure(
        catalog,
        EPOCH_REWARDS,
        EPOCH_REWARDS_SCHEMA,
        PartitionSpec.builderFor(EPOCH_REWARDS_SCHEMA).identity("epoch").build());
    ensure(catalog, SETTLEMENTS, SETTLEMENTS_SCHEMA, PartitionSpec.unpartitioned());
    ensure(
        catalog,
        CONSUMER_CHARGES,
        CONSUMER_CHARGES_SCHEMA,
        PartitionSpec.builderFor(CONSUMER_CHARGES_SCHEMA).identity("epoch").build());
    ensure(
        catalog,
        REJECTIONS,
        IngestTables.REJECTIONS_SCHEMA,
        PartitionSpec.builderFor(IngestTables.REJECTIONS_SCHEMA).identity("reason").build());
  }

  /** {@code wei} as a {@code decimal(38,0)} value; refuses what does not fit. */
  public static BigDecimal decimal(BigInteger wei) {
    if (wei.signum() < 0 || wei.compareTo(MAX_WEI) > 0) {
      throw new IllegalArgumentException("amount does not fit decimal(38,0): " + wei);
    }
    return new BigDecimal(wei);
  }

  private static void ensure(
      Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
    if (catalog instanceof SupportsNamespaces namespaces
        && !namespaces.namespaceExists(id.namespace())) {
      try {
        namespaces.createNamespace(id.namespace());
      } catch (AlreadyExistsException raced) {
        // Another job created it first.
      }
    }
    if (!catalog.tableExists(id)) {
      try {
        catalog.createTable(id, schema, spec);
      } catch (AlreadyExistsException raced) {
        // Created concurrently.
      }
    }
  }
}
