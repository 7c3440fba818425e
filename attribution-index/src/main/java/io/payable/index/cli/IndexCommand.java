package io.payable.index.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.index.query.ShardedIndex;
import io.payable.index.shard.Document;
import io.payable.index.shard.IndexLayout;
import io.payable.index.shard.IndexWriter;
import io.payable.index.shard.Shard;
import io.payable.index.shard.ShardManifest;
import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tokenize.Tokenizers;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code payable index ...}: build and inspect suffix-array indexes. */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = "Build and inspect attribution indexes (sharded suffix arrays).",
    subcommands = {
      IndexCommand.Build.class,
      IndexCommand.Count.class,
      IndexCommand.Info.class,
    })
public final class IndexCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Opens an index with its manifest's tokenizer, or with {@code tokenizer} when given. */
  static ShardedIndex open(Path dir, String tokenizer) {
    return tokenizer == null
        ? ShardedIndex.open(dir)
        : ShardedIndex.open(dir, Tokenizers.byId(tokenizer));
  }

  /** {@code payable index build}. */
  @Command(
      name = "build",
      mixinStandardHelpOptions = true,
      description =
          "Index a JSONL file of documents (fields doc_id, datanet, contributor, text) into DIR.")
  static final class Build implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", required = true, description = "JSONL documents")
    Path input;

    @Option(names = "--out", required = true, description = "index directory to create")
    Path out;

    @Option(
        names = "--tokenizer",
        defaultValue = Tokenizers.DEFAULT_ID,
        description = "o200k_base (default), cl100k_base, bytes or hf:PATH to a tokenizer.json")
    String tokenizer;

    @Option(
        names = "--shard-symbols",
        defaultValue = "268435456",
        description = "seal a shard before it passes this many symbols (default ${DEFAULT-VALUE})")
    long shardSymbols;

    @Option(
        names = "--parallelism",
        description =
            "shards built at the same time (default: 1, or every core when --memory is given)")
    Integer parallelism;

    @Option(
        names = "--memory",
        description =
            "heap the build may use, e.g. 8g or 512m: shards are sized so that the one being"
                + " filled and those building their suffix arrays fit (default: no budget)")
    String memory;

    @Override
    public Integer call() throws Exception {
      PrintWriter outWriter = spec.commandLine().getOut();
      if (Files.exists(out) && !IndexLayout.shardDirs(out).isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "index directory already holds shards: " + out);
      }
      Tokenizer tok = Tokenizers.byId(tokenizer);
      ObjectMapper json = new ObjectMapper();
      long docs = 0;
      long start = System.nanoTime();
      long budget = memory == null ? 0 : parseSize(memory);
      int threads =
          parallelism != null
              ? parallelism
              : memory != null ? Runtime.getRuntime().availableProcessors() : 1;
      long heap = Runtime.getRuntime().maxMemory();
      if (budget > heap) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            String.format(
                "--memory %s is more than the JVM's maximum heap (%,d MiB): raise -Xmx or lower"
                    + " --memory",
                memory, heap >> 20));
      }
      IndexWriter.Builder builder =
          IndexWriter.builder(out, tok)
              .shardSymbols(shardSymbols)
              .parallelism(threads)
              .memoryBudget(budget);
      long perShard;
      try {
        perShard = builder.effectiveShardSymbols();
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      PrintWriter err = spec.commandLine().getErr();
      java.util.concurrent.atomic.AtomicLong sealedSymbols =
          new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.atomic.AtomicInteger sealedShards =
          new java.util.concurrent.atomic.AtomicInteger();
      builder.onSealed(
          m -> {
            long total = sealedSymbols.addAndGet(m.symbols());
            double seconds = (System.nanoTime() - start) / 1e9;
            synchronized (err) {
              err.printf(
                  "shard %d sealed: %,d symbols; %,d symbols in %.0f s (%.2f M/s)%n",
                  sealedShards.incrementAndGet(),
                  m.symbols(),
                  total,
                  seconds,
                  total / seconds / 1e6);
              err.flush();
            }
          });
      if (budget > 0) {
        err.printf(
            "memory budget %,d MiB: up to %,d symbols per shard, %d shard(s) building at once%n",
            budget >> 20, perShard, threads);
        err.flush();
      }
      List<ShardManifest> written;
      try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8);
          IndexWriter writer = builder.build()) {
        String line;
        long lineNo = 0;
        while ((line = reader.readLine()) != null) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          JsonNode row = json.readTree(line);
          writer.add(
              new Document(
                  field(row, "doc_id", lineNo),
                  field(row, "datanet", lineNo),
                  field(row, "contributor", lineNo),
                  field(row, "text", lineNo)));
          docs++;
        }
        writer.flush();
        written = writer.written();
      }
      long symbols = written.stream().mapToLong(ShardManifest::symbols).sum();
      outWriter.printf(
          "indexed %d documents, %d symbols into %d shard(s) at %s with %s in %.1f s%n",
          docs, symbols, written.size(), out, tok.id(), (System.nanoTime() - start) / 1e9);
      return 0;
    }

    /** {@code 123}, {@code 64k}, {@code 512m}, {@code 8g} (binary units). */
    static long parseSize(String text) {
      String t = text.trim().toLowerCase(java.util.Locale.ROOT);
      long unit = 1;
      if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g") || t.endsWith("t")) {
        unit = 1L << (10 * ("kmgt".indexOf(t.charAt(t.length() - 1)) + 1));
        t = t.substring(0, t.length() - 1);
      }
      try {
        long value = Long.parseLong(t);
        if (value <= 0 || value > Long.MAX_VALUE / unit) {
          throw new NumberFormatException();
        }
        return value * unit;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a size: '" + text + "' (use e.g. 8g or 512m)");
      }
    }

    private String field(JsonNode row, String name, long lineNo) {
      JsonNode v = row.get(name);
      // Ids exported from databases are often numbers; they index as their decimal text.
      boolean numericId = "doc_id".equals(name) && v != null && v.isIntegralNumber();
      if (v == null || !(v.isTextual() || numericId)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            input
                + ":"
                + lineNo
                + ": missing "
                + ("doc_id".equals(name) ? "string or integer" : "string")
                + " field '"
                + name
                + "'");
      }
      return v.asText();
    }
  }

  /** {@code payable index count}. */
  @Command(
      name = "count",
      mixinStandardHelpOptions = true,
      description = "Count the occurrences of TEXT in the index.")
  static final class Count implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "index directory")
    Path dir;

    @Parameters(index = "1", description = "text to count")
    String text;

    @Option(names = "--tokenizer", description = "override the tokenizer named in the manifests")
    String tokenizer;

    @Override
    public Integer call() {
      try (ShardedIndex index = open(dir, tokenizer)) {
        spec.commandLine().getOut().println(index.count(text));
      }
      return 0;
    }
  }

  /** {@code payable index info}. */
  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      description = "Show the shards of an index (verifies every file).")
  static final class Info implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "index directory")
    Path dir;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      long symbols = 0;
      long docs = 0;
      long bytes = 0;
      List<Path> shardDirs = IndexLayout.shardDirs(dir);
      for (Path shardDir : shardDirs) {
        Shard shard = Shard.open(shardDir);
        ShardManifest m = shard.manifest();
        long size = m.files().values().stream().mapToLong(ShardManifest.FileInfo::bytes).sum();
        out.printf(
            "%s  format v%d  tokenizer %s (vocab %s…)  %,d documents  %,d symbols  %,d bytes%n",
            shardDir.getFileName(),
            m.formatVersion(),
            m.tokenizer().id(),
            m.tokenizer().vocabularyHash().substring(0, 12),
            m.documents(),
            m.symbols(),
            size);
        symbols += m.symbols();
        docs += m.documents();
        bytes += size;
      }
      out.printf(
          "total: %d shard(s), %,d documents, %,d symbols, %,d bytes (%.2f bytes/symbol)%n",
          shardDirs.size(), docs, symbols, bytes, symbols == 0 ? 0.0 : (double) bytes / symbols);
      return 0;
    }
  }
}
