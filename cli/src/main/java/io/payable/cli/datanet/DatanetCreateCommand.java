package io.payable.cli.datanet;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.DatanetRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code payable datanet create}: registers a Datanet owned by the signing key. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = "Create a Datanet in DatanetRegistry, owned by the key's address.")
public final class DatanetCreateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--rpc", required = true, description = "JSON-RPC endpoint.")
  String rpc;

  @Option(
      names = "--deployment",
      required = true,
      description = "Deployment file written by `payable contracts deploy`.")
  Path deployment;

  @ArgGroup(exclusive = true, multiplicity = "1")
  SigningKeyOptions key;

  @Option(
      names = "--datanet",
      required = true,
      description =
          "Datanet name, or a 0x-hex bytes32 salt; the id is keccak256(abi.encode(owner, salt)),"
              + " the salt of a name being its keccak-256.")
  String datanet;

  @Option(names = "--treasury", description = "Treasury address (default: the owner).")
  String treasury;

  @Option(names = "--metadata", defaultValue = "", description = "Metadata URI.")
  String metadata;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Deployment d = Deployment.read(deployment);
    Credentials owner = key.credentials();
    byte[] salt = DatanetIds.salt(datanet);
    byte[] id = io.payable.contracts.client.DatanetIds.of(owner.getAddress(), salt);
    Web3j web3j = Web3j.build(new HttpService(rpc));
    try {
      ChainClient client = new ChainClient(web3j, d.chainId());
      DatanetRegistry registry =
          DatanetRegistry.load(
              d.datanetRegistry(), web3j, client.transactionManager(owner), client.gasProvider());
      TransactionReceipt receipt =
          registry
              .createDatanet(salt, treasury == null ? owner.getAddress() : treasury, metadata)
              .send();
      out.println("datanet " + Numeric.toHexString(id));
      out.println("owner   " + owner.getAddress());
      out.println("tx      " + receipt.getTransactionHash());
      return 0;
    } finally {
      web3j.shutdown();
    }
  }
}
