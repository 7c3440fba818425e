package io.payable.cli.datanet;

import io.payable.contracts.generated.DatanetRegistry;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.web3j.utils.Numeric;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code payable datanet status}: a contribution's flag (status, curator, reason, dispute window)
 * and its contributor's penalty score. {@code --finalize} upholds an undisputed flag after its
 * window (anyone may); {@code --publish} sends an upheld flag to the curation topic, so the ingest
 * job (which checks it on chain) tombstones the contribution.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Show a contribution's flag and its contributor's penalty; --finalize, --publish an"
            + " upheld flag for ingest.")
public final class DatanetStatusCommand implements Callable<Integer> {

  private static final List<String> STATUS =
      List.of("none", "pending", "disputed", "upheld", "dismissed");

  @Spec CommandSpec spec;

  @Mixin ChainOptions chain;

  @Option(names = "--contribution", required = true, description = "Contribution id (0x-hex).")
  String contribution;

  @Option(names = "--finalize", description = "Uphold an undisputed flag whose window is over.")
  boolean finalize;

  @Option(names = "--publish", description = "Publish an upheld flag to the curation topic.")
  boolean publish;

  @ArgGroup(exclusive = true)
  SigningKeyOptions key;

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "localhost:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--topic",
      defaultValue = "datanet.curation",
      description = "Curation topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    byte[] id;
    try {
      id = CurationRecords.id(contribution, "--contribution");
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    if (finalize && key == null) {
      spec.commandLine().getErr().println("--finalize needs --key-env or --key-file");
      return 2;
    }
    try (var c = chain.connect()) {
      String finalizeTx = null;
      if (finalize) {
        finalizeTx = c.registry(key.credentials()).finalizeFlag(id).send().getTransactionHash();
      }
      DatanetRegistry registry = c.registry();
      DatanetRegistry.Flag f = registry.flagOf(id).send();
      int status = f.status.intValueExact();
      out.println("contribution " + contribution);
      out.println("flag         " + STATUS.get(status));
      if (status == 0) {
        return 0;
      }
      long window = windowOf(c);
      out.println("datanet      " + Numeric.toHexString(f.datanetId));
      out.println("contributor  " + f.contributor);
      out.println("curator      " + f.curator);
      out.println("reason       " + Numeric.toHexString(f.reasonCode));
      out.println("evidence     " + Numeric.toHexString(f.evidenceHash));
      out.println(
          "disputable   until " + Instant.ofEpochSecond(f.flaggedAt.longValueExact() + window));
      out.println("penalty      " + registry.penaltyScoreOf(f.contributor).send());
      if (finalizeTx != null) {
        out.println("finalized    tx " + finalizeTx);
      }
      if (publish) {
        if (status != 3) {
          spec.commandLine().getErr().println("the flag is " + STATUS.get(status) + ", not upheld");
          return 1;
        }
        String datanetId = Numeric.toHexString(f.datanetId);
        CurationRecords.publish(
            bootstrapServers,
            topic,
            datanetId,
            CurationRecords.flagUpheld(
                datanetId,
                contribution,
                f.contributor,
                finalizeTx != null ? finalizeTx : resolvedIn(c, f.datanetId, id)));
        out.println("published    flag_upheld to " + topic);
      }
      return 0;
    }
  }

  /** The transaction that resolved the flag: the last FlagResolved log of the contribution. */
  private static String resolvedIn(ChainOptions.Connection c, byte[] datanetId, byte[] id)
      throws Exception {
    var filter =
        new org.web3j.protocol.core.methods.request.EthFilter(
            org.web3j.protocol.core.DefaultBlockParameter.valueOf(
                java.math.BigInteger.valueOf(c.deployment().block())),
            org.web3j.protocol.core.DefaultBlockParameterName.LATEST,
            c.deployment().datanetRegistry());
    filter.addSingleTopic(org.web3j.abi.EventEncoder.encode(DatanetRegistry.FLAGRESOLVED_EVENT));
    filter.addSingleTopic(Numeric.toHexString(datanetId));
    filter.addSingleTopic(Numeric.toHexString(id));
    var logs = c.web3j().ethGetLogs(filter).send().getLogs();
    if (logs.isEmpty()) {
      throw new IllegalStateException("no FlagResolved log for " + Numeric.toHexString(id));
    }
    var last = (org.web3j.protocol.core.methods.response.Log) logs.get(logs.size() - 1).get();
    return last.getTransactionHash();
  }

  private static long windowOf(ChainOptions.Connection c) throws Exception {
    var params =
        io.payable.contracts.generated.ProtocolParams.load(
            c.deployment().protocolParams(),
            c.web3j(),
            new org.web3j.tx.ReadonlyTransactionManager(c.web3j(), c.deployment().protocolParams()),
            new io.payable.contracts.chain.ChainClient(c.web3j(), c.deployment().chainId())
                .gasProvider());
    return params.flagDisputeWindow().send().longValueExact();
  }
}
