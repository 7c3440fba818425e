package io.payable.cli.models;

import io.payable.factory.FactoryException;
import io.payable.factory.chain.DatanetGate;
import io.payable.factory.run.AdapterTrainer;
import io.payable.factory.run.ModelFactory;
import io.payable.factory.run.TrainingOutcome;
import io.payable.factory.run.TrainingSpec;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code payable models train}: one ModelFactory run on the live contributions of Datanets at the
 * current snapshot; registers the adapter when a chain is given. Exit status 0 on success, 1 when
 * the run was refused or failed (one line on stderr, with its reason code), 130 when interrupted.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Fine-tune a LoRA adapter on Datanets at a pinned snapshot.")
public final class ModelsTrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--base",
      required = true,
      description = "Base model directory (Hugging Face layout).")
  Path base;

  @Option(
      names = "--base-id",
      description = "Base model name in the manifest (default: directory name).")
  String baseId;

  @Option(
      names = "--datanet",
      required = true,
      arity = "1..*",
      description = "Datanet id(s), 0x + 64 hex digits; repeat or list several.")
  List<String> datanets;

  @Option(names = "--name", description = "Adapter name (default: the run id).")
  String name;

  @Option(names = "--rank", description = "LoRA rank r (default 8).")
  Integer rank;

  @Option(names = "--alpha", description = "lora_alpha (default 2 x rank).")
  Double alpha;

  @Option(names = "--rslora", description = "Scale by alpha/sqrt(r) (rsLoRA).")
  Boolean rsLora;

  @Option(names = "--dropout", description = "LoRA dropout (default 0).")
  Double dropout;

  @Option(names = "--epochs", description = "Passes over the training split (sets the steps).")
  Integer epochs;

  @Option(names = "--steps", description = "Optimizer steps (default 100).")
  Integer steps;

  @Option(names = "--lr", description = "Peak learning rate (default 2e-4).")
  Double lr;

  @Option(names = "--schedule", description = "constant, linear (default) or cosine.")
  String schedule;

  @Option(names = "--warmup-steps", description = "Linear warmup steps (default 0).")
  Integer warmupSteps;

  @Option(names = "--batch", description = "Sequences per micro-batch (default 8).")
  Integer batch;

  @Option(names = "--grad-accum", description = "Micro-batches per step (default 1).")
  Integer gradAccum;

  @Option(names = "--seq-len", description = "Tokens per packed sequence (default 512).")
  Integer seqLen;

  @Option(
      names = "--targets",
      split = ",",
      description =
          "Projections to adapt (default all seven): q_proj,k_proj,v_proj,o_proj,"
              + "gate_proj,up_proj,down_proj.")
  List<String> targets;

  @Option(names = "--seed", description = "Seed of LoRA init, split and data order (default 42).")
  Long seed;

  @Option(names = "--eval-fraction", description = "Share of contributions held out (default 0.1).")
  Double evalFraction;

  @Option(names = "--checkpoint-every", description = "Steps between checkpoints (default 100).")
  Integer checkpointEvery;

  @Option(names = "--attribution", description = "spans (default), gradient or hybrid.")
  String attribution;

  @Option(names = "--price-wei", description = "Price per output token in wei (default 0).")
  BigInteger priceWei;

  @Option(names = "--resume", description = "Resume this run id from its last checkpoint.")
  String resume;

  @Option(
      names = "--dataset",
      description =
          "Train on a dataset built by 'models dataset' (training shards) instead of building"
              + " one in process; it must match the run's Datanets, --seq-len, --eval-fraction,"
              + " --seed and the base model's tokenizer.")
  Path dataset;

  @Option(
      names = "--runs",
      defaultValue = "model-runs",
      description = "Runs directory (default ${DEFAULT-VALUE}).")
  Path runs;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Mixin WarehouseOptions warehouse;

  @Mixin ChainOptions chain;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProgressPrinter progress = new ProgressPrinter(out, System.console() != null);
    AtomicBoolean cancelled = new AtomicBoolean();
    Thread hook = new Thread(() -> cancelled.set(true));
    Runtime.getRuntime().addShutdownHook(hook);
    ChainOptions.Connection connection = null;
    try {
      TrainingSpec request =
          TrainingSpec.builder()
              .base(base)
              .baseId(baseId)
              .datanets(datanets)
              .name(name)
              .rank(rank)
              .alpha(alpha)
              .rsLora(rsLora)
              .dropout(dropout)
              .epochs(epochs)
              .steps(steps)
              .lr(lr)
              .schedule(schedule)
              .warmupSteps(warmupSteps)
              .batch(batch)
              .gradAccum(gradAccum)
              .seqLen(seqLen)
              .targets(targets)
              .seed(seed)
              .evalFraction(evalFraction)
              .checkpointEvery(checkpointEvery)
              .attribution(attribution)
              .priceWei(priceWei)
              .resume(resume)
              .build();
      var checked = request.toRequest();
      connection = chain.configured() ? chain.connect(true) : null;
      ModelFactory factory =
          new ModelFactory(
              warehouse.catalog(),
              runs,
              AdapterTrainer.lora(),
              connection == null ? DatanetGate.none() : connection.gate(),
              Optional.ofNullable(connection).map(ChainOptions.Connection::registry));
      if (dataset != null) {
        factory = factory.withBuiltDataset(dataset);
      }
      TrainingOutcome o = factory.train(checked, progress, cancelled::get);
      progress.endLine();
      out.println("run       " + o.runId());
      out.println("adapter   " + o.adapterDir());
      out.println(
          "name      " + o.manifest().adapterName() + " (" + o.manifest().registryKey() + ")");
      out.println("artifact  0x" + o.manifest().adapter().sha256());
      out.println("manifest  0x" + o.manifestSha256());
      out.println(
          "train set "
              + o.manifest().trainingSet().merkleRoot()
              + " ("
              + o.manifest().trainingSet().count()
              + " contributions)");
      out.println(
          o.row().txHash() == null
              ? "registered: no (no --rpc given)"
              : "registered in tx " + o.row().txHash() + " (block " + o.row().blockNumber() + ")");
      out.flush();
      return 0;
    } catch (CancellationException e) {
      progress.endLine();
      err.println("cancelled: checkpoints kept; resume with --resume");
      return 130;
    } catch (FactoryException e) {
      progress.endLine();
      err.println("error: " + e.getMessage() + " [" + e.reason() + "]");
      if (verbose) {
        e.printStackTrace(err);
      }
      return 1;
    } finally {
      if (connection != null) {
        connection.close();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is exiting; the hook has run.
      }
      out.flush();
      err.flush();
    }
  }
}
