package io.payable.cli.models;

import picocli.CommandLine.Command;

/** {@code payable models ...}: ModelFactory, from Datanets to a registered, published adapter. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description =
        "Fine-tune LoRA adapters on Datanets, list and show runs, verify an adapter's provenance"
            + " against the chain, publish it to running workers, serve the training API.",
    subcommands = {
      ModelsTrainCommand.class,
      ModelsListCommand.class,
      ModelsShowCommand.class,
      ModelsVerifyCommand.class,
      ModelsPublishCommand.class,
      ModelsApiCommand.class
    })
public final class ModelsCommand {}
