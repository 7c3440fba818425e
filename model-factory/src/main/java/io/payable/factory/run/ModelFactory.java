package io.payable.factory.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.factory.FactoryException;
import io.payable.factory.chain.AdapterRegistry;
import io.payable.factory.chain.AttributionMethod;
import io.payable.factory.chain.DatanetGate;
import io.payable.factory.chain.Registration;
import io.payable.factory.dataset.Contribution;
import io.payable.factory.dataset.ContributionSnapshots;
import io.payable.factory.dataset.ContributionTokenizer;
import io.payable.factory.dataset.DatasetBuilder;
import io.payable.factory.dataset.DatasetHeader;
import io.payable.factory.dataset.LiveContributions;
import io.payable.factory.dataset.PackedSequence;
import io.payable.factory.dataset.TokenSpan;
import io.payable.factory.dataset.TrainingDataset;
import io.payable.factory.dataset.TrainingShards;
import io.payable.factory.provenance.AdapterArtifact;
import io.payable.factory.provenance.FileDigests;
import io.payable.factory.provenance.TrainingManifest;
import io.payable.factory.provenance.TrainingSetRoot;
import io.payable.factory.tables.TrainingRow;
import io.payable.factory.tables.TrainingTables;
import io.payable.models.Engines;
import io.payable.models.InvalidModelException;
import io.payable.models.ModelConfig;
import io.payable.models.Projection;
import io.payable.models.influence.ExampleProvenance;
import io.payable.models.influence.InfluenceStore;
import io.payable.models.text.TextTokenizer;
import io.payable.models.train.InfluenceSketches;
import io.payable.models.train.LoraTrainingConfig;
import io.payable.models.train.TrainingResult;
import io.payable.models.train.TrainingSequence;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Runs a training from request to registered adapter, in the order that keeps a failure harmless:
 *
 * <ol>
 *   <li>check the request (hyperparameters, base model, Datanets, adapter name, disk space) before
 *       anything is written;
 *   <li>pin the snapshots, build the dataset (refused when empty);
 *   <li>train in {@code runs/.staging/<run>} (a crashed or cancelled run stays there and resumes
 *       from its last checkpoint);
 *   <li>write the manifest, hash the adapter and the manifest;
 *   <li>record {@code training_contributions}, register on chain (when a registry is configured),
 *       record {@code model_trainings}, and only then move the run to {@code runs/<run>}.
 * </ol>
 *
 * A run is complete, and listed, only with its {@code model_trainings} row and its directory under
 * {@code runs/}; registration comes after every artifact is complete and hashed.
 */
public final class ModelFactory {

  private static final Logger LOG = LoggerFactory.getLogger(ModelFactory.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String STAGING = ".staging";
  public static final String SEQUENCES = "sequences.jsonl";
  public static final String PINS = "snapshots.json";

  /** The influence store of a gradient or hybrid adapter, in the run directory. */
  public static final String INFLUENCE_STORE = "influence-store.bin";

  public static final String DATASET_RULE = "live-at-snapshot/v1";
  public static final String LEAF_ENCODING =
      "keccak256(keccak256(abi.encode(bytes32 content_hash)))";

  private final Catalog catalog;
  private final Path runsDir;
  private final AdapterTrainer trainer;
  private final DatanetGate gate;
  private final Optional<AdapterRegistry> registry;
  private final Path builtDataset;

  public ModelFactory(
      Catalog catalog,
      Path runsDir,
      AdapterTrainer trainer,
      DatanetGate gate,
      Optional<AdapterRegistry> registry) {
    this(catalog, runsDir, trainer, gate, registry, null);
  }

  private ModelFactory(
      Catalog catalog,
      Path runsDir,
      AdapterTrainer trainer,
      DatanetGate gate,
      Optional<AdapterRegistry> registry,
      Path builtDataset) {
    this.catalog = catalog;
    this.runsDir = runsDir;
    this.trainer = trainer;
    this.gate = gate;
    this.registry = registry;
    this.builtDataset = builtDataset;
  }

  /**
   * This factory, training on the dataset built into {@code dir} (training shards, e.g. by the
   * Flink batch build) instead of building one in process. A run refuses a dataset built for other
   * Datanets, parameters or another tokenizer ({@code dataset_mismatch}).
   */
  public ModelFactory withBuiltDataset(Path dir) {
    return new ModelFactory(catalog, runsDir, trainer, gate, registry, dir);
  }

  public Path runsDir() {
    return runsDir;
  }

  /** A fresh run id: UTC time and random hex, sortable by start. */
  public static String newRunId() {
    byte[] r = new byte[3];
    new SecureRandom().nextBytes(r);
    return "run-"
        + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now())
        + "-"
        + HexFormat.of().formatHex(r);
  }

  /** Runs {@code request} to the end; throws {@link FactoryException} with a reason otherwise. */
  public TrainingOutcome train(
      TrainingRequest request, RunListener listener, BooleanSupplier cancelled) {
    String runId = request.runId() == null ? newRunId() : request.runId();
    Instant started = Instant.now();
    Path finalDir = runsDir.resolve(runId);
    Path staging = runsDir.resolve(STAGING).resolve(runId);
    boolean resuming = request.runId() != null && Files.isDirectory(staging);
    if (Files.exists(finalDir)) {
      throw new FactoryException(
          "run_exists", "run " + runId + " is already complete: " + finalDir);
    }
    String adapterName = request.adapterName() == null ? runId : request.adapterName();

    // 1. Everything that can be refused before a byte is written.
    listener.onPhase(RunPhase.BUILDING_DATASET);
    List<String> datanets =
        request.datanetIds().stream().map(ContributionSnapshots::normalise).distinct().toList();
    if (datanets.isEmpty()) {
      throw new FactoryException("no_datanet", "name at least one Datanet (--datanet)");
    }
    if (request.epochs() != null && request.epochs() < 1) {
      throw new FactoryException(
          "bad_hyperparameter", "epochs must be >= 1, got " + request.epochs());
    }
    ModelConfig base = baseConfig(request.baseDir());
    checkTargets(base, request.config());
    gate.check(datanets);
    String registryKey = AdapterRegistry.registryKey(adapterName);
    if (registry.isPresent() && registry.get().read(registryKey).isPresent()) {
      throw new FactoryException(
          "adapter_exists", "an adapter named " + adapterName + " is already registered");
    }
    TrainingDataset dataset;
    String tokenizerSha = DatasetHeader.tokenizerDigest(request.baseDir());
    Map<String, String> tokenizerFiles = new LinkedHashMap<>();
    for (String f : List.of(TextTokenizer.FILE, TextTokenizer.CONFIG)) {
      if (Files.isRegularFile(request.baseDir().resolve(f))) {
        tokenizerFiles.put(f, FileDigests.sha256(request.baseDir().resolve(f)));
      }
    }
    if (builtDataset != null) {
      dataset = builtDataset(request, datanets, tokenizerSha);
    } else {
      try (TextTokenizer tokenizer = loadTokenizer(request.baseDir())) {
        ContributionSnapshots snapshots = new ContributionSnapshots(catalog);
        // A resumed run reads the snapshots it pinned when it started, so it trains on the same
        // data.
        ContributionSnapshots.Pins pins =
            resuming ? readPins(staging.resolve(PINS)) : snapshots.current();
        LiveContributions live = snapshots.read(datanets, pins);
        dataset =
            new DatasetBuilder(
                    ContributionTokenizer.of(tokenizer),
                    request.config().seqLen(),
                    request.evalFraction(),
                    request.config().seed())
                .build(live);
      }
    }
    LoraTrainingConfig cfg = request.config();
    if (request.epochs() != null) {
      try {
        cfg =
            cfg.toBuilder()
                .steps(
                    LoraTrainingConfig.stepsForEpochs(
                        request.epochs(),
                        dataset.trainSequences().size(),
                        cfg.batchSize(),
                        cfg.gradAccum()))
                .build();
      } catch (IllegalArgumentException e) {
        throw new FactoryException("bad_hyperparameter", e.getMessage(), e);
      }
    }
    checkDisk(base, cfg);
    listener.onDataset(dataset, cfg.steps());
    LOG.info(
        "Run {}: {} training and {} eval contributions, {} sequences, {} steps",
        runId,
        dataset.train().size(),
        dataset.eval().size(),
        dataset.trainSequences().size(),
        cfg.steps());

    // 2. Train in the staging directory.
    TrainingResult result;
    try {
      Files.createDirectories(staging);
      writePins(staging.resolve(PINS), dataset.source());
      writeSequences(staging.resolve(SEQUENCES), dataset);
      listener.onPhase(RunPhase.TRAINING);
      result =
          trainer.train(
              request.baseDir(),
              sequences(dataset.trainSequences()),
              sequences(dataset.evalSequences()),
              cfg,
              staging,
              listener,
              cancelled);
    } catch (CancellationException e) {
      throw e;
    } catch (IOException | UncheckedIOException e) {
      throw ioFailure(staging, resuming, e);
    } catch (InvalidModelException e) {
      deleteUnlessResumable(staging, resuming);
      throw new FactoryException("unloadable_base", e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      deleteUnlessResumable(staging, resuming);
      throw new FactoryException("bad_input", e.getMessage(), e);
    }

    // 3. Manifest and hashes: every artifact complete before anything is recorded or registered.
    listener.onPhase(RunPhase.RECORDING);
    Path adapterDir = result.adapterDir();
    TrainingManifest.InfluenceStoreEntry influence = null;
    if (request.method() != AttributionMethod.SPANS) {
      influence = writeInfluenceStore(request.baseDir(), adapterDir, cfg, dataset, staging);
    }
    TrainingSetRoot root = TrainingSetRoot.of(dataset.train());
    Map<String, String> baseFiles = FileDigests.files(request.baseDir(), Set.of());
    String baseSha = FileDigests.listingDigest(baseFiles);
    AdapterArtifact artifact = AdapterArtifact.of(adapterDir);
    Instant finished = Instant.now();
    TrainingManifest manifest =
        new TrainingManifest(
            TrainingManifest.FORMAT_VERSION,
            runId,
            adapterName,
            registryKey,
            new TrainingManifest.Artifact(artifact.sha256(), artifact.files()),
            new TrainingManifest.BaseModel(
                request.baseModelId() == null
                    ? request.baseDir().toAbsolutePath().normalize().getFileName().toString()
                    : request.baseModelId(),
                baseSha,
                "0x" + baseSha,
                baseFiles),
            new TrainingManifest.Artifact(tokenizerSha, tokenizerFiles),
            datanetEntries(datanets, dataset),
            new TrainingManifest.Snapshots(
                dataset.source().contributions(), dataset.source().events().orElse(null)),
            new TrainingManifest.Dataset(
                DATASET_RULE,
                cfg.seqLen(),
                request.evalFraction(),
                dataset.train().size(),
                dataset.eval().size(),
                dataset.trainSequences().size(),
                dataset.evalSequences().size(),
                dataset.trainTokens(),
                dataset.evalSequences().stream().mapToLong(PackedSequence::length).sum(),
                FileDigests.sha256(staging.resolve(SEQUENCES))),
            new TrainingManifest.TrainingSet(root.count(), root.root(), LEAF_ENCODING),
            dataset.source().excluded(),
            hyperparameters(cfg, request),
            cfg.seed(),
            request.method().code(),
            influence,
            new TrainingManifest.Curves(
                result.losses().size(),
                result.losses(),
                result.evalCurve().stream()
                    .map(p -> new TrainingManifest.CurvePoint(p.step(), p.loss()))
                    .toList(),
                result.tokensSeen(),
                result.wallTime().toMillis()),
            software(),
            finished.toString());
    byte[] manifestBytes = manifest.toJson();
    try {
      Files.write(adapterDir.resolve(AdapterArtifact.MANIFEST), manifestBytes);
    } catch (IOException e) {
      throw ioFailure(staging, true, e);
    }
    String manifestSha = FileDigests.sha256(manifestBytes);

    // 4. Record, register, record the run, publish the directory.
    TrainingTables tables = new TrainingTables(catalog);
    tables.appendContributions(runId, dataset);
    String txHash = null;
    Long block = null;
    if (registry.isPresent()) {
      listener.onPhase(RunPhase.REGISTERING);
      TransactionReceipt receipt =
          registry
              .get()
              .register(
                  new Registration(
                      registryKey,
                      "0x" + baseSha,
                      datanets,
                      "0x" + artifact.sha256(),
                      request.pricePerToken(),
                      root.root(),
                      root.count(),
                      "0x" + manifestSha,
                      request.method()));
      txHash = receipt.getTransactionHash();
      block = receipt.getBlockNumber().longValueExact();
    }
    List<Double> losses = result.losses();
    TrainingRow row =
        new TrainingRow(
            runId,
            adapterName,
            registryKey,
            manifest.baseModel().id(),
            baseSha,
            datanets,
            dataset.source().contributions().snapshotId(),
            dataset.source().events().map(p -> p.snapshotId()).orElse(null),
            root.root(),
            root.count(),
            dataset.source().excluded().size(),
            artifact.sha256(),
            manifestSha,
            request.method().code(),
            losses.size(),
            cfg.seed(),
            losses.isEmpty() ? null : losses.get(losses.size() - 1),
            result.evalCurve().isEmpty() ? null : result.finalEvalLoss(),
            result.tokensSeen(),
            result.wallTime().toMillis(),
            JSON.valueToTree(manifest.hyperparameters()).toString(),
            txHash,
            block,
            started,
            finished);
    tables.appendTraining(row);
    try {
      Files.createDirectories(runsDir);
      Files.move(staging, finalDir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new FactoryException(
          "io_error", "run " + runId + " is recorded but could not be moved to " + finalDir, e);
    }
    listener.onPhase(RunPhase.COMPLETED);
    return new TrainingOutcome(
        runId, finalDir.resolve(staging.relativize(adapterDir)), manifest, manifestSha, row);
  }

  /** The dataset built into {@link #builtDataset}, checked against the request. */
  private TrainingDataset builtDataset(
      TrainingRequest request, List<String> datanets, String tokenizerSha) {
    TrainingShards.BuiltDataset built = TrainingShards.read(builtDataset);
    DatasetHeader h = built.header();
    List<String> differences = new ArrayList<>();
    if (!Set.copyOf(h.datanetIds()).equals(Set.copyOf(datanets))) {
      differences.add("Datanets " + h.datanetIds() + " vs " + datanets);
    }
    if (h.seqLen() != request.config().seqLen()) {
      differences.add("seq len " + h.seqLen() + " vs " + request.config().seqLen());
    }
    if (Double.compare(h.evalFraction(), request.evalFraction()) != 0) {
      differences.add("eval fraction " + h.evalFraction() + " vs " + request.evalFraction());
    }
    if (h.seed() != request.config().seed()) {
      differences.add("seed " + h.seed() + " vs " + request.config().seed());
    }
    if (!h.tokenizerSha256().equals(tokenizerSha)) {
      differences.add("tokenizer " + h.tokenizerSha256() + " vs the base model's " + tokenizerSha);
    }
    if (!differences.isEmpty()) {
      throw new FactoryException(
          "dataset_mismatch",
          "the dataset in "
              + builtDataset
              + " was built for another run: "
              + String.join("; ", differences));
    }
    if (built.dataset().trainSequences().isEmpty()) {
      throw new FactoryException(
          "empty_dataset", "the dataset in " + builtDataset + " has no training sequence");
    }
    return built.dataset();
  }

  private static ModelConfig baseConfig(Path baseDir) {
    try {
      ModelConfig config = ModelConfig.read(baseDir);
      if (!TextTokenizer.exists(baseDir)) {
        throw new InvalidModelException(baseDir + ": no " + TextTokenizer.FILE);
      }
      return config;
    } catch (InvalidModelException | UncheckedIOException e) {
      throw new FactoryException("unloadable_base", "base model: " + e.getMessage(), e);
    }
  }

  private static TextTokenizer loadTokenizer(Path baseDir) {
    try {
      return TextTokenizer.load(baseDir);
    } catch (InvalidModelException e) {
      throw new FactoryException("unloadable_base", "base model: " + e.getMessage(), e);
    }
  }

  private static void checkTargets(ModelConfig base, LoraTrainingConfig cfg) {
    if (cfg.seqLen() > base.maxPositions()) {
      throw new FactoryException(
          "bad_hyperparameter",
          "seq len "
              + cfg.seqLen()
              + " exceeds the base model's context of "
              + base.maxPositions());
    }
  }

  /**
   * Refuses a run when the runs directory's file system cannot hold the adapter and a checkpoint
   * (weights and two AdamW moments), with a margin: better at the start than after hours.
   */
  private void checkDisk(ModelConfig base, LoraTrainingConfig cfg) {
    long params = 0;
    for (Projection p : cfg.targets()) {
      long[] oi = base.projectionShape(p);
      params += (long) cfg.rank() * (oi[0] + oi[1]) * base.numLayers();
    }
    long needed = params * 4 * 5 + (1 << 20);
    try {
      Path existing = runsDir.toAbsolutePath();
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      FileStore store = Files.getFileStore(existing);
      if (store.getUsableSpace() < needed) {
        throw new FactoryException(
            "disk_full",
            "the runs directory has "
                + store.getUsableSpace()
                + " bytes free, the run needs about "
                + needed);
      }
    } catch (IOException e) {
      throw new FactoryException("io_error", "cannot check free space of " + runsDir, e);
    }
  }

  private static void writePins(Path file, LiveContributions source) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("datanet_contributions", source.contributions().snapshotId());
    source.events().ifPresent(e -> n.put("contribution_events", e.snapshotId()));
    Files.writeString(file, n.toString());
  }

  private static ContributionSnapshots.Pins readPins(Path file) {
    try {
      var n = JSON.readTree(file.toFile());
      return new ContributionSnapshots.Pins(
          new io.payable.factory.dataset.SnapshotPin(
              io.payable.ingest.sink.IngestTables.CONTRIBUTIONS.toString(),
              n.get("datanet_contributions").asLong()),
          n.has("contribution_events")
              ? Optional.of(
                  new io.payable.factory.dataset.SnapshotPin(
                      ContributionSnapshots.EVENTS.toString(),
                      n.get("contribution_events").asLong()))
              : Optional.empty());
    } catch (IOException | RuntimeException e) {
      throw new FactoryException(
          "bad_resume", "cannot resume: " + file + " does not name the run's snapshots", e);
    }
  }

  /**
   * The influence store of a {@code gradient} or {@code hybrid} adapter (docs/attribution.md,
   * version 2): a sketch per training sequence with the contributions packed into it.
   */
  private TrainingManifest.InfluenceStoreEntry writeInfluenceStore(
      Path baseDir,
      Path adapterDir,
      LoraTrainingConfig cfg,
      TrainingDataset dataset,
      Path staging) {
    Map<String, String> contributors = new HashMap<>();
    for (Contribution c : dataset.train()) {
      contributors.put(c.contributionId(), c.contributor());
    }
    List<ExampleProvenance> provenance = new ArrayList<>();
    for (PackedSequence p : dataset.trainSequences()) {
      List<ExampleProvenance.Piece> pieces = new ArrayList<>();
      for (TokenSpan s : p.spans()) {
        String contributor = contributors.get(s.contributionId());
        if (contributor == null) {
          throw new FactoryException(
              "bad_input", "contribution " + s.contributionId() + " has no contributor");
        }
        // Position 0 of a sequence is no target; every later position is.
        int targets = Math.max(0, s.start() + s.length() - Math.max(s.start(), 1));
        pieces.add(new ExampleProvenance.Piece(s.contributionId(), contributor, targets));
      }
      provenance.add(new ExampleProvenance(pieces));
    }
    long started = System.nanoTime();
    try {
      InfluenceStore.Written w =
          InfluenceSketches.writeStore(
              baseDir,
              adapterDir,
              cfg,
              sequences(dataset.trainSequences()),
              provenance,
              InfluenceSketches.DEFAULT_K,
              staging.resolve(INFLUENCE_STORE),
              Engines.device());
      long ms = (System.nanoTime() - started) / 1_000_000;
      LOG.info(
          "Influence store: {} sketches of dimension {}, {} bytes, {} ms",
          w.examples(),
          w.dimension(),
          w.bytes(),
          ms);
      return new TrainingManifest.InfluenceStoreEntry(
          INFLUENCE_STORE,
          w.sha256(),
          InfluenceStore.FORMAT_VERSION,
          w.dimension(),
          w.examples(),
          w.bytes(),
          ms);
    } catch (IOException e) {
      throw ioFailure(staging, true, e);
    }
  }

  private static List<TrainingSequence> sequences(List<PackedSequence> packed) {
    return packed.stream().map(p -> TrainingSequence.of(p.tokens())).toList();
  }

  private static void writeSequences(Path file, TrainingDataset dataset) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writeSplit(w, "train", dataset.trainSequences());
      writeSplit(w, "eval", dataset.evalSequences());
    }
  }

  private static void writeSplit(BufferedWriter w, String split, List<PackedSequence> seqs)
      throws IOException {
    for (int i = 0; i < seqs.size(); i++) {
      ObjectNode line = JSON.createObjectNode().put("split", split).put("index", i);
      line.put("length", seqs.get(i).length());
      var spans = line.putArray("spans");
      for (TokenSpan s : seqs.get(i).spans()) {
        spans
            .addObject()
            .put("contribution_id", s.contributionId())
            .put("start", s.start())
            .put("length", s.length())
            .put("source_start", s.sourceStart());
      }
      w.write(line.toString());
      w.write('\n');
    }
  }

  private static List<TrainingManifest.DatanetEntry> datanetEntries(
      List<String> datanets, TrainingDataset dataset) {
    List<TrainingManifest.DatanetEntry> out = new ArrayList<>();
    for (String id : datanets) {
      int used = (int) dataset.train().stream().filter(c -> c.datanetId().equals(id)).count();
      int excluded =
          (int) dataset.source().excluded().stream().filter(e -> e.datanetId().equals(id)).count();
      out.add(new TrainingManifest.DatanetEntry(id, used, excluded));
    }
    return out;
  }

  private static Map<String, Object> hyperparameters(LoraTrainingConfig cfg, TrainingRequest r) {
    Map<String, Object> m = new LinkedHashMap<>(cfg.toMap());
    if (r.epochs() != null) {
      m.put("epochs", r.epochs());
    }
    m.put("eval_fraction", r.evalFraction());
    return m;
  }

  private static Map<String, String> software() {
    Map<String, String> m = new LinkedHashMap<>();
    String version = ModelFactory.class.getPackage().getImplementationVersion();
    m.put("payable", version == null ? "dev" : version);
    m.put("java", System.getProperty("java.version"));
    try {
      m.put("djl", ai.djl.engine.Engine.getDjlVersion());
      m.put("pytorch", io.payable.models.Engines.pytorch().getVersion());
    } catch (RuntimeException e) {
      LOG.debug("No engine version: {}", e.toString());
    }
    return m;
  }

  private static FactoryException ioFailure(Path staging, boolean keep, Exception e) {
    String message = String.valueOf(e.getMessage());
    boolean full = message.contains("No space left") || message.contains("Disk quota");
    deleteUnlessResumable(staging, keep || !full);
    return new FactoryException(
        full ? "disk_full" : "io_error",
        (full ? "disk full while writing the run: " : "could not write the run: ") + message,
        e);
  }

  /** Removes a staged run that has nothing to resume from. */
  private static void deleteUnlessResumable(Path staging, boolean keep) {
    if (keep || !Files.exists(staging)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(staging)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Could not remove {}: {}", staging, e.toString());
    }
  }
}
