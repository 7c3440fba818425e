package io.payable.cli.datanet;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.DatanetRegistry;
import java.nio.file.Path;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import picocli.CommandLine.Option;

/** The chain a curation command talks to: the RPC endpoint and the deployment file. */
final class ChainOptions {

  @Option(names = "--rpc", required = true, description = "JSON-RPC endpoint.")
  String rpc;

  @Option(
      names = "--deployment",
      required = true,
      description = "Deployment file written by `payable contracts deploy`.")
  Path deployment;

  /** An open connection; close it with {@link Connection#close()}. */
  Connection connect() {
    return new Connection(Web3j.build(new HttpService(rpc)), Deployment.read(deployment));
  }

  record Connection(Web3j web3j, Deployment deployment) implements AutoCloseable {

    DatanetRegistry registry(Credentials as) {
      ChainClient client = new ChainClient(web3j, deployment.chainId());
      return DatanetRegistry.load(
          deployment.datanetRegistry(), web3j, client.transactionManager(as), client.gasProvider());
    }

    DatanetRegistry registry() {
      return DatanetRegistry.load(
          deployment.datanetRegistry(),
          web3j,
          new ReadonlyTransactionManager(web3j, deployment.datanetRegistry()),
          new ChainClient(web3j, deployment.chainId()).gasProvider());
    }

    @Override
    public void close() {
      web3j.shutdown();
    }
  }
}
