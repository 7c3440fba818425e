package io.payable.cli.datanet;

import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.ingest.submission.Submission;
import io.payable.ingest.submission.SubmissionSigner;
import io.payable.ingest.submission.SubmissionWriter;
import io.payable.ingest.validate.ContentGuard;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code payable datanet submit}: signs each file as one contribution (EIP-712, as a wallet's
 * {@code eth_signTypedData_v4} would) and publishes it to {@code datanet.submissions}.
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = "Sign files as contributions to a Datanet and publish them for ingestion.")
public final class DatanetSubmitCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ContributionOptions message;

  @ArgGroup(exclusive = true, multiplicity = "1")
  SigningKeyOptions key;

  @Option(
      names = "--topic",
      defaultValue = "datanet.submissions",
      description = "Submissions topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--nonce",
      description =
          "Nonce of the first file, then +1 per file (default: microseconds since the epoch, which"
              + " keeps growing across runs).")
  BigInteger nonce;

  @Option(names = "--license", description = "SPDX license of the content.")
  String license;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "UTF-8 text files.")
  List<Path> files;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Deployment d = Deployment.read(message.deployment);
    Eip712Domain domain = Eip712Domain.payableDatanets(d.chainId(), d.datanetRegistry());
    Credentials contributor = key.credentials();
    byte[] datanetId;
    try {
      datanetId = DatanetIds.id(message.datanet, message.datanetOwner);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    BigInteger next =
        nonce != null
            ? nonce
            : BigInteger.valueOf(Instant.now().toEpochMilli()).multiply(BigInteger.valueOf(1000));
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, message.bootstrapServers);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (Path file : files) {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        long timestamp = Instant.now().getEpochSecond();
        Submission submission =
            SubmissionSigner.sign(
                domain,
                contributor,
                datanetId,
                next,
                timestamp,
                content,
                Optional.ofNullable(license));
        producer
            .send(
                new ProducerRecord<>(
                    topic,
                    contributor.getAddress().getBytes(StandardCharsets.UTF_8),
                    SubmissionWriter.toJson(submission)))
            .get();
        out.println(
            ContentGuard.contributionId(
                    Numeric.toHexString(datanetId), contributor.getAddress(), next)
                + "  "
                + file);
        next = next.add(BigInteger.ONE);
      }
    }
    return 0;
  }
}
