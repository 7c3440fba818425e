package io.payable.cli.datanet;

import picocli.CommandLine.Command;

/** {@code payable datanet ...}: contributor and Datanet-owner commands. */
@Command(
    name = "datanet",
    mixinStandardHelpOptions = true,
    description =
        "Create Datanets, submit signed contributions, and prove a contribution's anchor.",
    subcommands = {
      DatanetCreateCommand.class,
      DatanetSubmitCommand.class,
      DatanetProofCommand.class
    })
public final class DatanetCommand {}
