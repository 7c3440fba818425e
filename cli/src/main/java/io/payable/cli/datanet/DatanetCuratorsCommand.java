package io.payable.cli.datanet;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code payable datanet curators}: lists a Datanet's curators; with {@code --add} or {@code
 * --remove} its owner appoints or removes one.
 */
@Command(
    name = "curators",
    mixinStandardHelpOptions = true,
    description = "List a Datanet's curators, or (its owner) --add / --remove one.")
public final class DatanetCuratorsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ChainOptions chain;

  @Option(
      names = "--datanet",
      required = true,
      description = "Datanet id (0x-hex), or its name together with --datanet-owner.")
  String datanet;

  @Option(names = "--datanet-owner", description = "Creator of the Datanet named by --datanet.")
  String datanetOwner;

  @Option(names = "--add", description = "Address to appoint (needs the owner's key).")
  String add;

  @Option(names = "--remove", description = "Address to remove (needs the owner's key).")
  String remove;

  @ArgGroup(exclusive = true)
  SigningKeyOptions key;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    byte[] id;
    try {
      id = DatanetIds.id(datanet, datanetOwner);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    if ((add != null || remove != null) && key == null) {
      spec.commandLine()
          .getErr()
          .println("--add and --remove need the owner's --key-env or --key-file");
      return 2;
    }
    try (var c = chain.connect()) {
      if (add != null) {
        c.registry(key.credentials()).setCurator(id, add, true).send();
      }
      if (remove != null) {
        c.registry(key.credentials()).setCurator(id, remove, false).send();
      }
      List<?> curators = c.registry().curatorsOf(id).send();
      curators.forEach(a -> out.println(a.toString().toLowerCase()));
      return 0;
    }
  }
}
