package io.payable.cli.datanet;

import picocli.CommandLine.Command;

/** {@code payable datanet ...}: contributor and Datanet-owner commands. */
@Command(
    name = "datanet",
    mixinStandardHelpOptions = true,
    description =
        "Create Datanets, submit and withdraw signed contributions, prove a contribution's"
            + " anchor, and curate: curators, flags, disputes.",
    subcommands = {
      DatanetCreateCommand.class,
      DatanetSubmitCommand.class,
      DatanetProofCommand.class,
      DatanetWithdrawCommand.class,
      DatanetCuratorsCommand.class,
      DatanetFlagCommand.class,
      DatanetDisputeCommand.class,
      DatanetStatusCommand.class
    })
public final class DatanetCommand {}
