package io.payable.jobs.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.factory.FactoryException;
import io.payable.factory.Tables;
import io.payable.factory.dataset.ContributionSnapshots;
import io.payable.factory.dataset.ContributionTokenizer;
import io.payable.factory.dataset.DatasetBuilder;
import io.payable.factory.dataset.DatasetHeader;
import io.payable.factory.dataset.PackedSequence;
import io.payable.factory.dataset.TokenSpan;
import io.payable.factory.dataset.TrainingDataset;
import io.payable.factory.dataset.TrainingShards;
import io.payable.ingest.sink.IngestTables;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.testing.FlinkMiniClusterTestBase;
import io.payable.models.text.TextTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Flink batch build of a ModelFactory dataset against the in-process build, on a MiniCluster
 * and a real warehouse with the Llama 2 tokenizer: for the same pinned snapshots and parameters
 * both write the same training shards, byte for byte, over two Datanets with a withdrawn and a
 * content-less contribution excluded and a contribution added after the pin left out.
 */
class DatasetJobITCase extends FlinkMiniClusterTestBase {

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  private static final String D1 = "0x" + "d1".repeat(32);
  private static final String D2 = "0x" + "d2".repeat(32);
  private static final String D3 = "0x" + "d3".repeat(32);
  private static final int SEQ_LEN = 16;
  private static final double EVAL_FRACTION = 0.2;
  private static final long SEED = 7;
  private static final int PER_SHARD = 3;

  private static Path base;
  private static long pinned;
  private static Long eventsPinned;

  @BeforeAll
  static void contributions() throws IOException {
    base = Files.createTempDirectory("dataset-base-");
    for (String f :
        List.of(
            "tokenizer.json", "tokenizer_config.json", "config.json", "generation_config.json")) {
      try (InputStream in =
          DatasetJobITCase.class.getResourceAsStream("/hf/llama-gqa-tied/base/" + f)) {
        Files.copy(in, base.resolve(f));
      }
    }
    Catalog catalog = WAREHOUSE.warehouse().catalog();
    IngestTables.ensure(catalog);
    List<Tables.Row> rows = new ArrayList<>();
    String[] passages = {
      "Call me Ishmael. Some years ago, never mind how long precisely,",
      "having little or no money in my purse, and nothing particular to interest me on shore,",
      "I thought I would sail about a little and see the watery part of the world.",
      "It is a way I have of driving off the spleen and regulating the circulation.",
      "Whenever I find myself growing grim about the mouth;",
      "whenever it is a damp, drizzly November in my soul;",
      "then, I account it high time to get to sea as soon as I can.",
      "There now is your insular city of the Manhattoes, belted round by wharves",
      "as Indian isles by coral reefs, commerce surrounds it with her surf."
    };
    for (int i = 0; i < passages.length; i++) {
      rows.add(row("c-" + (char) ('a' + i), i % 2 == 0 ? D1 : D2, passages[i]));
    }
    rows.add(row("c-x", D3, "A Datanet the run does not name."));
    rows.add(row("c-nocontent", D1, null));
    Tables.appendContributions(catalog, rows);
    eventsPinned =
        Tables.appendEvents(
            catalog,
            List.of(new String[] {"c-c", D1, "withdrawn"}, new String[] {"c-x", D3, "withdrawn"}));
    pinned = catalog.loadTable(IngestTables.CONTRIBUTIONS).currentSnapshot().snapshotId();
    // After the pin: neither build may see it.
    Tables.appendContributions(catalog, List.of(row("c-late", D1, "Written after the pin.")));
  }

  /** A contribution row whose contributor and content hash are derived from its id. */
  private static Tables.Row row(String id, String datanet, String content) {
    String idHash =
        UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    return new Tables.Row(
        id, datanet, "0x" + Integer.toHexString(id.hashCode()), "0x" + idHash.repeat(2), content);
  }

  @Test
  void theFlinkBuildWritesTheInProcessBuildsShardsByteForByte() throws Exception {
    Path inProcess = tempDir.resolve("in-process");
    Path flink = tempDir.resolve("flink");
    DatasetHeader header =
        new DatasetHeader(
            List.of(D1, D2),
            pinned,
            eventsPinned,
            SEQ_LEN,
            EVAL_FRACTION,
            SEED,
            DatasetHeader.tokenizerDigest(base),
            PER_SHARD);
    TrainingDataset expected;
    try (TextTokenizer tokenizer = TextTokenizer.load(base)) {
      expected =
          new DatasetBuilder(ContributionTokenizer.of(tokenizer), SEQ_LEN, EVAL_FRACTION, SEED)
              .build(
                  new ContributionSnapshots(WAREHOUSE.warehouse().catalog())
                      .read(List.of(D1, D2), header.pins()));
    }
    TrainingShards.write(inProcess, header, expected);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    DatasetJob.Result result = DatasetJob.run(env, config(flink, List.of(D2, D1)));

    // Several shards per split, so the parallel writers and the serial plan both count.
    assertThat(result.totals().get(TrainingShards.TRAIN).shards()).isGreaterThan(1);
    assertThat(result.totals().get(TrainingShards.EVAL).sequences()).isPositive();
    Map<String, byte[]> want = files(inProcess);
    Map<String, byte[]> got = files(flink);
    assertThat(got.keySet()).isEqualTo(want.keySet());
    for (String name : want.keySet()) {
      assertThat(got.get(name)).as(name).isEqualTo(want.get(name));
    }

    // The shards read back are what a run trains on, and say where every token came from.
    TrainingShards.BuiltDataset read = TrainingShards.read(flink);
    assertThat(read.header()).isEqualTo(header);
    assertThat(read.dataset().trainSequences()).isEqualTo(expected.trainSequences());
    assertThat(read.dataset().evalSequences()).isEqualTo(expected.evalSequences());
    Set<String> packed = new TreeSet<>();
    for (PackedSequence s : read.dataset().trainSequences()) {
      s.spans().stream().map(TokenSpan::contributionId).forEach(packed::add);
    }
    for (PackedSequence s : read.dataset().evalSequences()) {
      s.spans().stream().map(TokenSpan::contributionId).forEach(packed::add);
    }
    assertThat(packed)
        .containsExactly("c-a", "c-b", "c-d", "c-e", "c-f", "c-g", "c-h", "c-i")
        .doesNotContain("c-c", "c-nocontent", "c-late", "c-x");
    assertThat(read.dataset().source().excluded())
        .extracting(e -> e.contributionId() + ":" + e.reason())
        .containsExactly("c-c:withdrawn", "c-nocontent:no_content");
    // Both Datanets are in the training split.
    assertThat(read.dataset().train().stream().map(c -> c.datanetId()).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(D1, D2);
  }

  @Test
  void refusesAnEmptyDatasetAndAnOccupiedDirectory() throws Exception {
    Path empty = tempDir.resolve("empty");
    assertThatThrownBy(
            () ->
                DatasetJob.run(
                    StreamExecutionEnvironment.getExecutionEnvironment(),
                    config(empty, List.of("0x" + "ee".repeat(32)))))
        .isInstanceOfSatisfying(
            FactoryException.class, e -> assertThat(e.reason()).isEqualTo("empty_dataset"));
    assertThat(empty.resolve(TrainingShards.HEADER)).doesNotExist();

    Path once = tempDir.resolve("once");
    DatasetJob.run(StreamExecutionEnvironment.getExecutionEnvironment(), config(once, List.of(D1)));
    assertThatThrownBy(
            () ->
                DatasetJob.run(
                    StreamExecutionEnvironment.getExecutionEnvironment(),
                    config(once, List.of(D1))))
        .isInstanceOfSatisfying(
            FactoryException.class, e -> assertThat(e.reason()).isEqualTo("dataset_exists"));
  }

  private static Configuration config(Path out, List<String> datanets) {
    Configuration c = new Configuration();
    c.set(IcebergOptions.WAREHOUSE, WAREHOUSE.warehouse().location());
    c.set(DatasetOptions.BASE_DIR, base.toString());
    c.set(DatasetOptions.OUTPUT_DIR, out.toUri().toString());
    c.set(DatasetOptions.DATANETS, datanets);
    c.set(DatasetOptions.SEQ_LEN, SEQ_LEN);
    c.set(DatasetOptions.EVAL_FRACTION, EVAL_FRACTION);
    c.set(DatasetOptions.SEED, SEED);
    c.set(DatasetOptions.SEQUENCES_PER_SHARD, PER_SHARD);
    c.set(DatasetOptions.CONTRIBUTIONS_SNAPSHOT, pinned);
    c.set(DatasetOptions.EVENTS_SNAPSHOT, eventsPinned);
    return c;
  }

  private static Map<String, byte[]> files(Path dir) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.sorted().toList()) {
        out.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }
}
