package io.payable.cli.datanet;

import io.payable.contracts.generated.DatanetRegistry;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code payable datanet flag}: a curator flags a contribution on chain (DatanetRegistry.flag). */
@Command(
    name = "flag",
    mixinStandardHelpOptions = true,
    description =
        "Flag a contribution as a curator of its Datanet; final after the dispute window.")
public final class DatanetFlagCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ChainOptions chain;

  @ArgGroup(exclusive = true, multiplicity = "1")
  SigningKeyOptions key;

  @Option(
      names = "--datanet",
      required = true,
      description = "Datanet id (0x-hex), or its name together with --datanet-owner.")
  String datanet;

  @Option(names = "--datanet-owner", description = "Creator of the Datanet named by --datanet.")
  String datanetOwner;

  @Option(names = "--contributor", required = true, description = "The contributor's address.")
  String contributor;

  @Option(
      names = "--nonce",
      required = true,
      description = "The nonce the contribution was submitted with.")
  BigInteger nonce;

  @Option(
      names = "--reason",
      required = true,
      description = "Reason code: 0x-hex bytes32, or a word (its keccak-256), e.g. spam.")
  String reason;

  @Option(
      names = "--evidence",
      required = true,
      description = "Evidence: a file (its keccak-256 is recorded) or a 0x-hex bytes32 hash.")
  String evidence;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Credentials curator = key.credentials();
    byte[] datanetId;
    byte[] evidenceHash;
    try {
      datanetId = DatanetIds.id(datanet, datanetOwner);
      evidenceHash =
          evidence.matches("0x[0-9a-fA-F]{64}")
              ? Numeric.hexStringToByteArray(evidence)
              : Hash.sha3(Files.readAllBytes(Path.of(evidence)));
    } catch (IllegalArgumentException | java.io.IOException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    try (var c = chain.connect()) {
      DatanetRegistry registry = c.registry(curator);
      TransactionReceipt receipt =
          registry
              .flag(datanetId, contributor, nonce, CurationRecords.bytes32(reason), evidenceHash)
              .send();
      var event = DatanetRegistry.getContributionFlaggedEvents(receipt).get(0);
      out.println("contribution " + Numeric.toHexString(event.contributionId));
      out.println(
          "disputable until "
              + java.time.Instant.ofEpochSecond(event.disputableUntil.longValueExact()));
      out.println("tx " + receipt.getTransactionHash());
      return 0;
    }
  }
}
