package io.payable.cli.datanet;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.contracts.merkle.LeafHashTree;
import io.payable.index.shard.DocumentRecord;
import io.payable.index.shard.Shard;
import io.payable.ingest.sink.IngestTables;
import io.payable.jobs.common.IcebergOptions;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tuples.generated.Tuple3;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.utils.Numeric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code payable datanet proof}: the Merkle inclusion proof of a contribution in its shard's
 * anchored root, recomputed from the shard files, and checked against the chain when given one.
 */
@Command(
    name = "proof",
    mixinStandardHelpOptions = true,
    description = "Print the inclusion proof of a contribution in its shard's anchored root.")
public final class DatanetProofCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "CONTRIBUTION_ID", description = "0x-hex contribution id.")
  String contributionId;

  @Option(
      names = "--warehouse",
      required = true,
      description = "Iceberg warehouse of the ingest job (file:// or a Hadoop URI).")
  String warehouse;

  @Option(names = "--rpc", description = "JSON-RPC endpoint, to check the anchored root.")
  String rpc;

  @Option(names = "--deployment", description = "Deployment file (with --rpc).")
  Path deployment;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Catalog catalog =
        IcebergOptions.catalogLoader(new Configuration().set(IcebergOptions.WAREHOUSE, warehouse))
            .loadCatalog();
    Record contribution =
        first(catalog, IngestTables.CONTRIBUTIONS, "contribution_id", contributionId);
    if (contribution == null || contribution.getField("shard_id") == null) {
      spec.commandLine().getErr().println("No sealed contribution " + contributionId);
      return 1;
    }
    String shardId = (String) contribution.getField("shard_id");
    Record shardRow = first(catalog, IngestTables.INDEX_SHARDS, "shard_id", shardId);
    if (shardRow == null) {
      spec.commandLine().getErr().println("Shard " + shardId + " is not sealed yet");
      return 1;
    }
    // A compacted shard holds the contribution now; its root is anchored too.
    Record replacement = supersedingShard(catalog, shardId);
    if (replacement != null) {
      shardRow = replacement;
      shardId = (String) replacement.getField("shard_id");
    }
    Shard shard = Shard.open(Paths.get(java.net.URI.create((String) shardRow.getField("path"))));
    List<byte[]> leaves = new ArrayList<>();
    int index = -1;
    for (DocumentRecord doc : shard.documents()) {
      if (doc.docId().equals(contributionId)) {
        index = leaves.size();
      }
      leaves.add(LeafHashTree.bytes32LeafHash(Numeric.hexStringToByteArray(doc.contentHash())));
    }
    if (index < 0) {
      spec.commandLine().getErr().println("Shard " + shardId + " lacks " + contributionId);
      return 1;
    }
    LeafHashTree tree = LeafHashTree.of(leaves);
    String datanet = (String) contribution.getField("datanet_id");
    out.println("contribution " + contributionId);
    out.println("datanet      " + datanet);
    out.println("shard        " + shardId);
    out.println("content hash " + contribution.getField("content_hash"));
    out.println("leaf         " + Numeric.toHexString(leaves.get(index)));
    out.println("proof        " + tree.proof(index).stream().map(Numeric::toHexString).toList());
    out.println("root         " + tree.rootHex());
    if (rpc == null) {
      return 0;
    }
    Deployment d = Deployment.read(deployment);
    Web3j web3j = Web3j.build(new HttpService(rpc));
    try {
      DatanetRegistry registry =
          DatanetRegistry.load(
              d.datanetRegistry(),
              web3j,
              new ReadonlyTransactionManager(web3j, d.datanetRegistry()),
              new ChainClient(web3j, d.chainId()).gasProvider());
      Tuple3<byte[], BigInteger, BigInteger> anchor =
          registry
              .anchorOf(
                  Numeric.hexStringToByteArray(datanet), Numeric.hexStringToByteArray(shardId))
              .send();
      boolean matches =
          anchor.component3().signum() != 0 && Arrays.equals(anchor.component1(), tree.root());
      out.println("on chain     " + (matches ? "anchored, root matches" : "NOT anchored"));
      return matches ? 0 : 1;
    } finally {
      web3j.shutdown();
    }
  }

  private static Record supersedingShard(Catalog catalog, String shardId)
      throws java.io.IOException {
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(catalog.loadTable(IngestTables.INDEX_SHARDS)).build()) {
      for (Record r : rows) {
        if (((List<?>) r.getField("supersedes")).contains(shardId)) {
          return r.copy();
        }
      }
    }
    return null;
  }

  private static Record first(
      Catalog catalog,
      org.apache.iceberg.catalog.TableIdentifier table,
      String column,
      String value)
      throws java.io.IOException {
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(catalog.loadTable(table))
            .where(Expressions.equal(column, value))
            .build()) {
      for (Record r : rows) {
        return r.copy();
      }
    }
    return null;
  }
}
