package io.payable.cli.settle;

import io.payable.contracts.client.RewardsClient;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.jobs.common.IcebergOptions;
import io.payable.settlement.SettlementTables;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.flink.configuration.Configuration;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import picocli.CommandLine.Option;

/**
 * Where the settlement commands read from: the chain (JSON-RPC + deployment file) and the Iceberg
 * warehouse holding {@code epoch_rewards} and {@code settlements}.
 */
final class SettlementSource {

  @Option(names = "--rpc", required = true, description = "JSON-RPC endpoint of the chain.")
  String rpc;

  @Option(names = "--deployment", required = true, description = "Deployment file (JSON).")
  Path deployment;

  @Option(
      names = "--warehouse",
      required = true,
      description = "Iceberg warehouse of the settlement job (file:// or a Hadoop URI).")
  String warehouse;

  /** One row of {@code epoch_rewards}. */
  record Leaf(
      long epoch,
      String account,
      BigInteger epochAmount,
      BigInteger cumulative,
      String leafHash,
      List<String> proof,
      String root) {}

  Deployment deployment() {
    return Deployment.read(deployment);
  }

  Web3j web3j() {
    return Web3j.build(new HttpService(rpc));
  }

  RewardsClient reader(Web3j web3j) {
    String address = deployment().rewardDistributor();
    return new RewardsClient(
        RewardDistributor.load(
            address,
            web3j,
            new ReadonlyTransactionManager(web3j, address),
            new DefaultGasProvider()));
  }

  Catalog catalog() {
    return IcebergOptions.catalogLoader(
            new Configuration().set(IcebergOptions.WAREHOUSE, warehouse))
        .loadCatalog();
  }

  /** Rows of one account, every epoch, oldest first. */
  List<Leaf> accountRows(String account) throws IOException {
    return rows(Expressions.equal("account", account.toLowerCase(Locale.ROOT)));
  }

  /** Rows of one epoch. */
  List<Leaf> epochRows(long epoch) throws IOException {
    return rows(Expressions.equal("epoch", epoch));
  }

  private List<Leaf> rows(Expression filter) throws IOException {
    Catalog catalog = catalog();
    List<Leaf> out = new ArrayList<>();
    if (!catalog.tableExists(SettlementTables.EPOCH_REWARDS)) {
      return out;
    }
    try (CloseableIterable<Record> it =
        IcebergGenerics.read(catalog.loadTable(SettlementTables.EPOCH_REWARDS))
            .where(filter)
            .build()) {
      for (Record r : it) {
        @SuppressWarnings("unchecked")
        List<String> proof = new ArrayList<>((List<String>) r.getField("proof"));
        out.add(
            new Leaf(
                (Long) r.getField("epoch"),
                (String) r.getField("account"),
                ((BigDecimal) r.getField("epoch_amount_wei")).toBigIntegerExact(),
                ((BigDecimal) r.getField("cumulative_wei")).toBigIntegerExact(),
                (String) r.getField("leaf_hash"),
                proof,
                (String) r.getField("root")));
      }
    }
    out.sort(Comparator.comparingLong(Leaf::epoch).thenComparing(Leaf::account));
    return out;
  }
}
