package io.payable.factory.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.factory.FactoryException;
import io.payable.factory.provenance.FileDigests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The training-shard format: a built dataset in a directory, written by the in-process build and by
 * the Flink batch build alike (byte for byte), read by a run instead of building its own.
 *
 * <pre>
 * dataset.json          header: parameters, pins, counts and the SHA-256 of every other file
 * contributions.jsonl   the contributions at the pinned snapshot, by id: split and tokens, or the
 *                       exclusion reason
 * train-00000.tokens    u32 little-endian token ids of the shard's sequences, back to back
 * train-00000.jsonl     one line per sequence: split, index, length and its spans
 * eval-00000.tokens ... the eval split likewise
 * </pre>
 *
 * Shard {@code k} of a split holds its sequences {@code [k * n, (k + 1) * n)}, {@code n} the
 * header's {@code sequences_per_shard}. {@code dataset.json} is written last: a directory without
 * it is not a dataset. docs/model-factory.md describes the format.
 */
public final class TrainingShards {

  public static final int FORMAT_VERSION = 1;
  public static final String HEADER = "dataset.json";
  public static final String CONTRIBUTIONS = "contributions.jsonl";
  public static final String RULE = "live-at-snapshot/v1";
  public static final String TRAIN = "train";
  public static final String EVAL = "eval";
  public static final List<String> SPLITS = List.of(TRAIN, EVAL);
  public static final int DEFAULT_SEQUENCES_PER_SHARD = 4096;

  private static final ObjectMapper JSON = new ObjectMapper();

  private TrainingShards() {}

  /** A dataset read back: its header and what a run trains on. */
  public record BuiltDataset(DatasetHeader header, TrainingDataset dataset) {}

  /** {@code train-00003}: the base name of a split's shard. */
  public static String shardName(String split, long shard) {
    return String.format(Locale.ROOT, "%s-%05d", split, shard);
  }

  // ---- encoding (shared by both builds) ----

  /** The {@code .tokens} file of a shard: every sequence's token ids, u32 little-endian. */
  public static byte[] encodeTokens(List<PackedSequence> sequences) {
    long n = 0;
    for (PackedSequence s : sequences) {
      n += s.length();
    }
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(n * 4)).order(ByteOrder.LITTLE_ENDIAN);
    for (PackedSequence s : sequences) {
      for (int t : s.tokens()) {
        b.putInt(t);
      }
    }
    return b.array();
  }

  /** One line of a shard's {@code .jsonl} (and of a run's {@code sequences.jsonl}). */
  public static String sequenceLine(String split, long index, PackedSequence sequence) {
    ObjectNode line = JSON.createObjectNode().put("split", split).put("index", index);
    line.put("length", sequence.length());
    ArrayNode spans = line.putArray("spans");
    for (TokenSpan s : sequence.spans()) {
      spans
          .addObject()
          .put("contribution_id", s.contributionId())
          .put("start", s.start())
          .put("length", s.length())
          .put("source_start", s.sourceStart());
    }
    return line.toString();
  }

  /** The {@code .jsonl} file of a shard whose first sequence is {@code firstIndex}. */
  public static byte[] encodeSequences(String split, long firstIndex, List<PackedSequence> seqs) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < seqs.size(); i++) {
      b.append(sequenceLine(split, firstIndex + i, seqs.get(i))).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The two files of shard {@code shard} of {@code split}, with what {@code dataset.json} needs.
   */
  public record EncodedShard(
      String split,
      long shard,
      byte[] tokens,
      byte[] sequences,
      long sequenceCount,
      long tokenCount) {

    public List<DatasetPart> parts() {
      String name = shardName(split, shard);
      return List.of(
          new DatasetPart(
              name + ".tokens", FileDigests.sha256(tokens), split, 0, sequenceCount, tokenCount, 0),
          new DatasetPart(name + ".jsonl", FileDigests.sha256(sequences), split, 0, 0, 0, 0));
    }
  }

  /** Encodes shard {@code shard} of {@code split}: its sequences, in index order. */
  public static EncodedShard encodeShard(
      String split, long shard, int sequencesPerShard, List<PackedSequence> sequences) {
    long tokens = 0;
    for (PackedSequence s : sequences) {
      tokens += s.length();
    }
    return new EncodedShard(
        split,
        shard,
        encodeTokens(sequences),
        encodeSequences(split, shard * sequencesPerShard, sequences),
        sequences.size(),
        tokens);
  }

  /** {@code contributions.jsonl}: {@code entries} sorted by contribution id. */
  public static byte[] encodeContributions(List<DatasetEntry> entries) {
    List<DatasetEntry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(DatasetEntry::contributionId));
    StringBuilder b = new StringBuilder();
    for (DatasetEntry e : sorted) {
      ObjectNode line =
          JSON.createObjectNode()
              .put("contribution_id", e.contributionId())
              .put("datanet_id", e.datanetId());
      if (e.isExcluded()) {
        line.put("excluded", e.excluded());
      } else {
        line.put("contributor", e.contributor())
            .put("content_hash", e.contentHash())
            .put("split", e.split())
            .put("tokens", e.tokens());
      }
      b.append(line).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The parts {@code contributions.jsonl} adds: the file, and the contributions of each split. */
  public static List<DatasetPart> contributionParts(List<DatasetEntry> entries, byte[] file) {
    Map<String, Long> bySplit = new TreeMap<>();
    long excluded = 0;
    for (DatasetEntry e : entries) {
      if (e.isExcluded()) {
        excluded++;
      } else {
        bySplit.merge(e.split(), 1L, Long::sum);
      }
    }
    List<DatasetPart> parts = new ArrayList<>();
    parts.add(new DatasetPart(CONTRIBUTIONS, FileDigests.sha256(file), "", 0, 0, 0, excluded));
    bySplit.forEach((split, n) -> parts.add(new DatasetPart("", "", split, n, 0, 0, 0)));
    return parts;
  }

  /** Totals of a split from its parts. */
  public record SplitTotals(long contributions, long sequences, long tokens, long shards) {}

  public static Map<String, SplitTotals> totals(List<DatasetPart> parts) {
    Map<String, long[]> sums = new HashMap<>();
    for (String s : SPLITS) {
      sums.put(s, new long[4]);
    }
    for (DatasetPart p : parts) {
      if (p.split().isEmpty()) {
        continue;
      }
      long[] t = sums.computeIfAbsent(p.split(), k -> new long[4]);
      t[0] += p.contributions();
      t[1] += p.sequences();
      t[2] += p.tokens();
      if (p.file().endsWith(".tokens")) {
        t[3]++;
      }
    }
    Map<String, SplitTotals> out = new TreeMap<>();
    sums.forEach((k, t) -> out.put(k, new SplitTotals(t[0], t[1], t[2], t[3])));
    return out;
  }

  /** {@code dataset.json} for {@code header} and every part of the dataset, in any order. */
  public static byte[] encodeHeader(DatasetHeader header, List<DatasetPart> parts) {
    ObjectNode n = JSON.createObjectNode();
    n.put("format_version", FORMAT_VERSION);
    n.put("rule", RULE);
    ArrayNode datanets = n.putArray("datanets");
    header.datanetIds().forEach(datanets::add);
    ObjectNode snapshots = n.putObject("snapshots");
    snapshots.put("datanet_contributions", header.contributionsSnapshotId());
    if (header.eventsSnapshotId() == null) {
      snapshots.putNull("contribution_events");
    } else {
      snapshots.put("contribution_events", header.eventsSnapshotId());
    }
    n.put("seq_len", header.seqLen());
    n.put("eval_fraction", header.evalFraction());
    n.put("seed", header.seed());
    n.put("tokenizer_sha256", header.tokenizerSha256());
    n.put("sequences_per_shard", header.sequencesPerShard());
    ObjectNode splits = n.putObject("splits");
    Map<String, SplitTotals> totals = totals(parts);
    for (String split : SPLITS) {
      SplitTotals t = totals.get(split);
      splits
          .putObject(split)
          .put("contributions", t.contributions())
          .put("sequences", t.sequences())
          .put("tokens", t.tokens())
          .put("shards", t.shards());
    }
    n.put("excluded", parts.stream().mapToLong(DatasetPart::excluded).sum());
    ObjectNode files = n.putObject("files");
    Map<String, String> sorted = new TreeMap<>();
    for (DatasetPart p : parts) {
      if (!p.file().isEmpty()) {
        sorted.put(p.file(), p.sha256());
      }
    }
    sorted.forEach(files::put);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- the in-process build's writer ----

  /** Every entry of {@code dataset}: live contributions with their split, and the exclusions. */
  public static List<DatasetEntry> entries(TrainingDataset dataset) {
    Set<String> eval = new HashSet<>();
    dataset.eval().forEach(c -> eval.add(c.contributionId()));
    List<DatasetEntry> out = new ArrayList<>();
    for (Contribution c : dataset.source().live()) {
      out.add(
          DatasetEntry.live(
              c,
              dataset.tokensByContribution().getOrDefault(c.contributionId(), 0),
              eval.contains(c.contributionId()) ? EVAL : TRAIN));
    }
    dataset.source().excluded().forEach(e -> out.add(DatasetEntry.excluded(e)));
    return out;
  }

  /**
   * Writes {@code dataset} into {@code dir} (created; it must hold no dataset yet), {@code
   * dataset.json} last.
   */
  public static void write(Path dir, DatasetHeader header, TrainingDataset dataset)
      throws IOException {
    if (Files.exists(dir.resolve(HEADER))) {
      throw new FactoryException("dataset_exists", dir + " already holds a dataset");
    }
    Files.createDirectories(dir);
    List<DatasetPart> parts = new ArrayList<>();
    List<DatasetEntry> entries = entries(dataset);
    byte[] contributions = encodeContributions(entries);
    Files.write(dir.resolve(CONTRIBUTIONS), contributions);
    parts.addAll(contributionParts(entries, contributions));
    Map<String, List<PackedSequence>> splits =
        Map.of(TRAIN, dataset.trainSequences(), EVAL, dataset.evalSequences());
    int per = header.sequencesPerShard();
    for (String split : SPLITS) {
      List<PackedSequence> seqs = splits.get(split);
      for (int shard = 0; (long) shard * per < seqs.size(); shard++) {
        EncodedShard e =
            encodeShard(
                split,
                shard,
                per,
                seqs.subList(shard * per, Math.min(seqs.size(), (shard + 1) * per)));
        String name = shardName(split, shard);
        Files.write(dir.resolve(name + ".tokens"), e.tokens());
        Files.write(dir.resolve(name + ".jsonl"), e.sequences());
        parts.addAll(e.parts());
      }
    }
    Path tmp = dir.resolve(HEADER + ".tmp");
    Files.write(tmp, encodeHeader(header, parts));
    Files.move(tmp, dir.resolve(HEADER), StandardCopyOption.ATOMIC_MOVE);
  }

  // ---- reading ----

  /**
   * Reads a built dataset, checking every file against the SHA-256 {@code dataset.json} lists;
   * throws {@link FactoryException} ({@code bad_dataset}) on a missing or changed file.
   */
  public static BuiltDataset read(Path dir) {
    Path headerFile = dir.resolve(HEADER);
    if (!Files.isRegularFile(headerFile)) {
      throw new FactoryException("bad_dataset", dir + " holds no " + HEADER + ": not a dataset");
    }
    try {
      JsonNode n = JSON.readTree(headerFile.toFile());
      if (n.path("format_version").asInt() != FORMAT_VERSION
          || !RULE.equals(n.path("rule").asText())) {
        throw new FactoryException(
            "bad_dataset",
            dir
                + ": format "
                + n.path("format_version").asText()
                + " / rule "
                + n.path("rule").asText()
                + ", expected "
                + FORMAT_VERSION
                + " / "
                + RULE);
      }
      List<String> datanets = new ArrayList<>();
      n.path("datanets").forEach(d -> datanets.add(d.asText()));
      JsonNode events = n.path("snapshots").path("contribution_events");
      DatasetHeader header =
          new DatasetHeader(
              datanets,
              n.path("snapshots").path("datanet_contributions").asLong(),
              events.isNull() || events.isMissingNode() ? null : events.asLong(),
              n.path("seq_len").asInt(),
              n.path("eval_fraction").asDouble(),
              n.path("seed").asLong(),
              n.path("tokenizer_sha256").asText(),
              n.path("sequences_per_shard").asInt());
      Map<String, byte[]> files = new HashMap<>();
      var it = n.path("files").fields();
      while (it.hasNext()) {
        var f = it.next();
        Path p = dir.resolve(f.getKey()).normalize();
        if (!p.getParent().equals(dir.normalize()) || !Files.isRegularFile(p)) {
          throw new FactoryException("bad_dataset", dir + ": missing " + f.getKey());
        }
        byte[] bytes = Files.readAllBytes(p);
        if (!FileDigests.sha256(bytes).equals(f.getValue().asText())) {
          throw new FactoryException(
              "bad_dataset", dir + ": " + f.getKey() + " differs from its SHA-256 in " + HEADER);
        }
        files.put(f.getKey(), bytes);
      }
      return new BuiltDataset(header, dataset(header, files, n.path("splits")));
    } catch (IOException | RuntimeException e) {
      if (e instanceof FactoryException f) {
        throw f;
      }
      throw new FactoryException("bad_dataset", dir + ": unreadable dataset: " + e.getMessage(), e);
    }
  }

  private static TrainingDataset dataset(
      DatasetHeader header, Map<String, byte[]> files, JsonNode splits) throws IOException {
    byte[] contributions = files.get(CONTRIBUTIONS);
    if (contributions == null) {
      throw new FactoryException("bad_dataset", "no " + CONTRIBUTIONS);
    }
    List<Contribution> live = new ArrayList<>();
    List<Exclusion> excluded = new ArrayList<>();
    List<Contribution> train = new ArrayList<>();
    List<Contribution> eval = new ArrayList<>();
    Map<String, Integer> tokens = new HashMap<>();
    for (String line : new String(contributions, StandardCharsets.UTF_8).split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      JsonNode l = JSON.readTree(line);
      String id = l.path("contribution_id").asText();
      String datanet = l.path("datanet_id").asText();
      if (l.has("excluded")) {
        excluded.add(new Exclusion(id, datanet, l.path("excluded").asText()));
        continue;
      }
      Contribution c =
          new Contribution(
              id, datanet, l.path("contributor").asText(), l.path("content_hash").asText(), null);
      live.add(c);
      tokens.put(id, l.path("tokens").asInt());
      (EVAL.equals(l.path("split").asText()) ? eval : train).add(c);
    }
    Map<String, List<PackedSequence>> sequences = new HashMap<>();
    for (String split : SPLITS) {
      List<PackedSequence> out = new ArrayList<>();
      long shards = splits.path(split).path("shards").asLong();
      for (long k = 0; k < shards; k++) {
        String name = shardName(split, k);
        byte[] tok = files.get(name + ".tokens");
        byte[] seq = files.get(name + ".jsonl");
        if (tok == null || seq == null) {
          throw new FactoryException("bad_dataset", "shard " + name + " is not listed");
        }
        ByteBuffer b = ByteBuffer.wrap(tok).order(ByteOrder.LITTLE_ENDIAN);
        for (String line : new String(seq, StandardCharsets.UTF_8).split("\n")) {
          if (line.isEmpty()) {
            continue;
          }
          JsonNode l = JSON.readTree(line);
          int[] ids = new int[l.path("length").asInt()];
          for (int i = 0; i < ids.length; i++) {
            ids[i] = b.getInt();
          }
          List<TokenSpan> spans = new ArrayList<>();
          for (JsonNode s : l.path("spans")) {
            spans.add(
                new TokenSpan(
                    s.path("contribution_id").asText(),
                    s.path("start").asInt(),
                    s.path("length").asInt(),
                    s.path("source_start").asInt()));
          }
          out.add(new PackedSequence(ids, spans));
        }
        if (b.hasRemaining()) {
          throw new FactoryException("bad_dataset", name + ".tokens is longer than its sequences");
        }
      }
      sequences.put(split, out);
    }
    return new TrainingDataset(
        new LiveContributions(
            header.datanetIds(),
            header.pins().contributions(),
            header.pins().events(),
            live,
            excluded),
        train,
        eval,
        sequences.get(TRAIN),
        sequences.get(EVAL),
        tokens);
  }
}
