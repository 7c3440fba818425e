package io.payable.cli.datanet;

import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code payable datanet dispute}: the flagged contributor disputes a flag within the window, or
 * the Datanet's owner (or governance) resolves a dispute with {@code --resolve uphold|dismiss}.
 */
@Command(
    name = "dispute",
    mixinStandardHelpOptions = true,
    description =
        "Dispute a flag on your contribution, or (Datanet owner) resolve a dispute with --resolve.")
public final class DatanetDisputeCommand implements Callable<Integer> {

  enum Resolution {
    uphold,
    dismiss
  }

  @Spec CommandSpec spec;

  @Mixin ChainOptions chain;

  @ArgGroup(exclusive = true, multiplicity = "1")
  SigningKeyOptions key;

  @Option(names = "--contribution", required = true, description = "Contribution id (0x-hex).")
  String contribution;

  @Option(
      names = "--resolve",
      description = "As the Datanet's owner: uphold or dismiss the disputed flag.")
  Resolution resolve;

  @Override
  public Integer call() throws Exception {
    byte[] id;
    try {
      id = CurationRecords.id(contribution, "--contribution");
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    try (var c = chain.connect()) {
      var registry = c.registry(key.credentials());
      var receipt =
          resolve == null
              ? registry.dispute(id).send()
              : registry.resolveDispute(id, resolve == Resolution.uphold).send();
      spec.commandLine()
          .getOut()
          .println(
              (resolve == null ? "disputed " : resolve + " ")
                  + contribution
                  + "  tx "
                  + receipt.getTransactionHash());
      return 0;
    }
  }
}
