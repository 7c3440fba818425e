package io.payable.up.demo;

import io.payable.attribution.gradient.InfluenceStoreEvent;
import io.payable.contracts.chain.ChainClient;
import io.payable.factory.chain.AdapterRegistry;
import io.payable.factory.chain.DatanetGate;
import io.payable.factory.provenance.AdapterArtifact;
import io.payable.factory.provenance.TrainingManifest;
import io.payable.factory.publish.AdapterPublisher;
import io.payable.factory.run.AdapterTrainer;
import io.payable.factory.run.ModelFactory;
import io.payable.factory.run.RunListener;
import io.payable.factory.run.TrainingOutcome;
import io.payable.factory.run.TrainingSpec;
import io.payable.ingest.sink.IngestTables;
import io.payable.models.train.StepProgress;
import io.payable.up.PlatformTopics;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.web3j.utils.Numeric;

/**
 * Fine-tunes one adapter per demo Datanet with the model factory, on the contributions the ingest
 * job accepted (at a pinned snapshot), registers each on chain with its provenance as the adapter
 * owner, and publishes it to the worker's adapter store and the running worker. An adapter already
 * registered and stored (a restart on the same data directory) is only loaded again. A {@code
 * hybrid} adapter's influence store, written by the model factory into its run directory, is
 * announced on {@code influence.manifest} for the attribution job, on a restart again (the scorer
 * takes the same announcement twice as once).
 */
final class DemoTraining {

  private final DemoPlan plan;
  private final DemoChain chain;
  private final Catalog catalog;
  private final DemoBaseModel.Base base;
  private final Path runs;
  private final String bootstrap;
  private final PrintWriter out;

  DemoTraining(
      DemoPlan plan,
      DemoChain chain,
      Catalog catalog,
      DemoBaseModel.Base base,
      Path runs,
      String bootstrap,
      PrintWriter out) {
    this.plan = plan;
    this.chain = chain;
    this.catalog = catalog;
    this.base = base;
    this.runs = runs;
    this.bootstrap = bootstrap;
    this.out = out;
  }

  /** Trains (or finds) and publishes every adapter; returns their names. */
  List<String> trainAndPublish(
      DemoWorker worker, Duration ingestTimeout, java.util.function.BooleanSupplier stopping)
      throws Exception {
    var client = new ChainClient(chain.web3j, chain.anvil.chainId());
    AdapterRegistry registry =
        new AdapterRegistry(
            io.payable.contracts.generated.ModelRegistry.load(
                chain.deployment.modelRegistry(),
                chain.web3j,
                client.transactionManager(chain.credentials(DemoChain.ADAPTER_OWNER)),
                client.gasProvider()));
    ModelFactory factory =
        new ModelFactory(
            catalog,
            runs,
            AdapterTrainer.lora(),
            DatanetGate.of(chain.datanets(DemoChain.ADAPTER_OWNER)),
            Optional.of(registry));
    AdapterPublisher publisher = new AdapterPublisher();
    List<URI> workers = List.of(URI.create(worker.url()));
    List<String> names = new java.util.ArrayList<>();
    for (String datanet : plan.datanets()) {
      String name = DemoPlan.adapterOf(datanet);
      names.add(name);
      Path stored = worker.adapterStore().resolve(name);
      if (Files.isDirectory(stored)
          && registry.read(AdapterRegistry.registryKey(name)).isPresent()) {
        publisher.publish(stored, worker.adapterStore(), Optional.empty(), workers);
        say(
            "Adapter %s: trained and registered before; loaded on the worker%s.",
            name, announceInfluenceStore(stored));
        continue;
      }
      String datanetId = Numeric.toHexString(chain.datanetId(datanet));
      awaitContributions(datanetId, plan.passagesPerDatanet(), ingestTimeout);
      TrainingSpec spec =
          TrainingSpec.builder()
              .base(base.dir())
              .baseId(base.id())
              .datanets(List.of(datanetId))
              .name(name)
              .rank(16)
              .lr(3e-3)
              .schedule("constant")
              .warmupSteps(5)
              .steps(plan.trainingSteps())
              .batch(8)
              .seqLen(plan.seqLen())
              .evalFraction(0.0)
              .checkpointEvery(0)
              .seed(1L)
              .priceWei(DemoChain.PRICE_WEI)
              .attribution(plan.methodOf(datanet))
              .build();
      Progress progress = new Progress(name);
      TrainingOutcome outcome = factory.train(spec.toRequest(), progress, stopping);
      progress.end();
      AdapterPublisher.Publication p =
          publisher.publish(outcome.adapterDir(), worker.adapterStore(), Optional.empty(), workers);
      boolean loaded = p.workers().stream().allMatch(AdapterPublisher.WorkerAnswer::ok);
      say(
          "Adapter %s: %d contributions, final loss %.3f, registered in block %d; %s%s.",
          name,
          outcome.manifest().trainingSet().count(),
          outcome.row().finalLoss(),
          outcome.row().blockNumber(),
          loaded ? "published to the worker" : "NOT loaded on the worker: " + p.workers(),
          announceInfluenceStore(p.storedAt()));
    }
    return names;
  }

  /**
   * Announces the influence store of the adapter stored at {@code stored} on {@code
   * influence.manifest}, if its training manifest names one ({@code gradient} and {@code hybrid}
   * adapters): the store in the run directory, the stored adapter (the audit's weights) and the
   * base model. Returns what to add to the adapter's line.
   */
  private String announceInfluenceStore(Path stored) {
    TrainingManifest manifest = TrainingManifest.read(stored.resolve(AdapterArtifact.MANIFEST));
    TrainingManifest.InfluenceStoreEntry entry = manifest.influenceStore();
    if (entry == null) {
      return "";
    }
    Path store = runs.resolve(manifest.runId()).resolve(entry.file());
    if (!Files.isRegularFile(store)) {
      // The attribution job keeps its events waiting for a store: none is paid unattributed.
      return "; its influence store " + store + " is missing: its events wait unattributed";
    }
    InfluenceStoreEvent event =
        new InfluenceStoreEvent(
            manifest.adapterName(),
            store.toString(),
            entry.sha256(),
            stored.toAbsolutePath().toString(),
            base.dir().toAbsolutePath().toString());
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer
          .send(
              new ProducerRecord<>(
                  PlatformTopics.INFLUENCE_MANIFEST,
                  event.adapterId().getBytes(StandardCharsets.UTF_8),
                  event.toJson()))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while announcing " + store, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(
          "could not announce the influence store of " + manifest.adapterName(), e.getCause());
    }
    return String.format(
        Locale.ROOT,
        "; attributed by %s, influence store of %d examples announced",
        manifest.attributionMethod(),
        entry.examples());
  }

  /** Waits until the ingest job has committed {@code count} contributions to {@code datanetId}. */
  private void awaitContributions(String datanetId, int count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      int rows = 0;
      if (catalog.tableExists(IngestTables.CONTRIBUTIONS)) {
        var table = catalog.loadTable(IngestTables.CONTRIBUTIONS);
        table.refresh();
        try (CloseableIterable<Record> it =
            IcebergGenerics.read(table).where(Expressions.equal("datanet_id", datanetId)).build()) {
          for (Record ignored : it) {
            rows++;
          }
        }
      }
      if (rows >= count) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the ingest job accepted " + rows + " of " + count + " contributions to " + datanetId);
      }
      Thread.sleep(1_000);
    }
  }

  private void say(String format, Object... args) {
    out.printf(Locale.ROOT, format + "%n", args);
    out.flush();
  }

  /** A progress bar: rewritten in place on a terminal, otherwise a line at every quarter. */
  private final class Progress implements RunListener {
    private static final int WIDTH = 30;
    private final String name;
    private final boolean live = System.console() != null;
    private boolean open;
    private int lastQuarter;

    Progress(String name) {
      this.name = name;
    }

    @Override
    public void onStep(StepProgress p) {
      int filled = (int) ((long) WIDTH * p.step() / p.totalSteps());
      String line =
          String.format(
              Locale.ROOT,
              "Training %s [%s%s] %d/%d steps, loss %.3f",
              name,
              "#".repeat(filled),
              ".".repeat(WIDTH - filled),
              p.step(),
              p.totalSteps(),
              p.loss());
      if (live) {
        out.print("\r" + line + "\u001b[K");
        open = true;
        out.flush();
      } else {
        int quarter = 4 * p.step() / p.totalSteps();
        if (quarter > lastQuarter) {
          lastQuarter = quarter;
          out.println(line);
          out.flush();
        }
      }
    }

    void end() {
      if (open) {
        out.println();
        open = false;
      }
    }
  }
}
