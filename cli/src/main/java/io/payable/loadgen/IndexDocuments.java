package io.payable.loadgen;

import io.payable.index.shard.DocumentRecord;
import io.payable.index.shard.IndexLayout;
import io.payable.index.shard.Shard;
import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tokenize.Tokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads the documents of every shard under an index store (one directory per Datanet). */
public final class IndexDocuments {

  private IndexDocuments() {}

  public static List<IndexedDocument> read(Path store) {
    List<IndexedDocument> out = new ArrayList<>();
    List<Path> datanets;
    if (!Files.isDirectory(store)) {
      return out;
    }
    try (Stream<Path> dirs = Files.list(store)) {
      datanets = dirs.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path datanet : datanets) {
      for (Path dir : IndexLayout.shardDirs(datanet)) {
        Shard shard = Shard.open(dir);
        Tokenizer tokenizer = Tokenizers.byId(shard.manifest().tokenizer().id());
        List<DocumentRecord> docs = shard.documents();
        for (int d = 0; d < docs.size(); d++) {
          DocumentRecord r = docs.get(d);
          String text = tokenizer.decode(shard.documentTokens(d, 0, Integer.MAX_VALUE));
          out.add(new IndexedDocument(r.docId(), r.datanet(), r.contributor(), text));
        }
      }
    }
    return out;
  }
}
