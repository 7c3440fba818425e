package io.payable.cli.models;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.chain.KeySource;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.contracts.generated.ModelRegistry;
import io.payable.factory.chain.AdapterRegistry;
import io.payable.factory.chain.DatanetGate;
import java.nio.file.Path;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.TransactionManager;
import picocli.CommandLine.Option;

/** The chain: JSON-RPC endpoint, deployment file and, to register, the owner's key. */
final class ChainOptions {

  @Option(names = "--rpc", description = "JSON-RPC endpoint of the chain.")
  String rpc;

  @Option(names = "--deployment", description = "Deployment file (JSON).")
  Path deployment;

  @Option(names = "--key-env", description = "Environment variable holding the hex private key.")
  String keyEnv;

  @Option(names = "--key-file", description = "File holding the hex private key.")
  Path keyFile;

  boolean configured() {
    return rpc != null;
  }

  /** A connection; close with {@link Web3j#shutdown()}. */
  Connection connect(boolean signing) {
    if (rpc == null || deployment == null) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--rpc and --deployment are required");
    }
    Deployment d = Deployment.read(deployment);
    Web3j web3j = Web3j.build(new HttpService(rpc));
    ChainClient client = new ChainClient(web3j, d.chainId());
    TransactionManager tx;
    if (signing) {
      if (keyEnv == null && keyFile == null) {
        web3j.shutdown();
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(this), "--key-env or --key-file is required to register");
      }
      Credentials key = KeySource.load(keyEnv != null ? "env:" + keyEnv : "file:" + keyFile);
      tx = client.transactionManager(key);
    } else {
      tx = new ReadonlyTransactionManager(web3j, d.modelRegistry());
    }
    return new Connection(
        web3j,
        new AdapterRegistry(ModelRegistry.load(d.modelRegistry(), web3j, tx, client.gasProvider())),
        DatanetGate.of(
            DatanetRegistry.load(
                d.datanetRegistry(),
                web3j,
                new ReadonlyTransactionManager(web3j, d.datanetRegistry()),
                client.gasProvider())));
  }

  record Connection(Web3j web3j, AdapterRegistry registry, DatanetGate gate)
      implements AutoCloseable {
    @Override
    public void close() {
      web3j.shutdown();
    }
  }
}
