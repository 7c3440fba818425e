package io.payable.cli.datanet;

import io.payable.contracts.chain.KeySource;
import java.nio.file.Path;
import org.web3j.crypto.Credentials;
import picocli.CommandLine.Option;

/** Where a command's signing key comes from: an environment variable or a key file. */
final class SigningKeyOptions {

  @Option(names = "--key-env", description = "Environment variable holding the hex private key.")
  String keyEnv;

  @Option(
      names = "--key-file",
      description = "File holding the hex private key (readable only by you).")
  Path keyFile;

  Credentials credentials() {
    return KeySource.load(keyEnv != null ? "env:" + keyEnv : "file:" + keyFile);
  }
}
