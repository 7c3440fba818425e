package io.payable.cli.datanet;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options a contributor's signed message shares between {@code datanet submit} and {@code
 * datanet withdraw}: which Datanet, the deployment that is the signing domain, and the Kafka
 * cluster the message is published to. Each command names its own topic (their defaults differ).
 */
final class ContributionOptions {

  @Option(
      names = "--datanet",
      required = true,
      description = "Datanet id (0x-hex), or its name together with --datanet-owner.")
  String datanet;

  @Option(
      names = "--datanet-owner",
      description = "Address that created the Datanet named by --datanet (ids derive from it).")
  String datanetOwner;

  @Option(
      names = "--deployment",
      required = true,
      description = "Deployment file (chain id and DatanetRegistry: the signing domain).")
  Path deployment;

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "localhost:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;
}
