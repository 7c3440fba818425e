package io.payable.cli.datanet;

import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.Withdrawal;
import io.payable.ingest.validate.ContentGuard;
import java.math.BigInteger;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code payable datanet withdraw}: signs a withdrawal of one of the key's contributions (EIP-712,
 * {@code Withdrawal(bytes32 datanetId, bytes32 contributionId, uint64 timestamp)}) and publishes it
 * to the curation topic, where the ingest job tombstones the contribution.
 */
@Command(
    name = "withdraw",
    mixinStandardHelpOptions = true,
    description =
        "Withdraw one of your contributions from a Datanet (signed, published for ingest).")
public final class DatanetWithdrawCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ContributionOptions message;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Option(names = "--contribution", description = "Contribution id (0x-hex).")
    String contribution;

    @Option(names = "--nonce", description = "Nonce the contribution was submitted with.")
    BigInteger nonce;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  SigningKeyOptions key;

  @Option(
      names = "--topic",
      defaultValue = "datanet.curation",
      description = "Curation topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Override
  public Integer call() throws Exception {
    Deployment d = Deployment.read(message.deployment);
    Credentials contributor = key.credentials();
    String datanetId;
    String contributionId;
    try {
      datanetId = Numeric.toHexString(DatanetIds.id(message.datanet, message.datanetOwner));
      contributionId =
          target.contribution != null
              ? Numeric.toHexString(CurationRecords.id(target.contribution, "--contribution"))
              : ContentGuard.contributionId(datanetId, contributor.getAddress(), target.nonce);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    long timestamp = Instant.now().getEpochSecond();
    String signature =
        Withdrawal.of(datanetId, contributionId, timestamp)
            .sign(Eip712Domain.payableDatanets(d.chainId(), d.datanetRegistry()), contributor);
    CurationRecords.publish(
        message.bootstrapServers,
        topic,
        datanetId,
        CurationRecords.withdrawal(
            datanetId, contributionId, contributor.getAddress(), timestamp, signature));
    spec.commandLine().getOut().println("withdrawal of " + contributionId + " published");
    return 0;
  }
}
