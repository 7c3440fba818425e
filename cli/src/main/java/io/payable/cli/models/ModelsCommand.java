package io.payable.cli.models;

import picocli.CommandLine.Command;

/** {@code payable models ...}: ModelFactory, from Datanets to a registered, published adapter. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description =
        "Fine-tune LoRA adapters on Datanets (datasets built in process or as a Flink batch job), list and show runs, verify an adapter's provenance"
            + " against the chain, publish it to running workers, serve the training API.",
    subcommands = {
      ModelsTrainCommand.class,
      ModelsDatasetCommand.class,
      ModelsListCommand.class,
      ModelsShowCommand.class,
      ModelsVerifyCommand.class,
      ModelsPublishCommand.class,
      ModelsApiCommand.class
    })
public final class ModelsCommand {}
