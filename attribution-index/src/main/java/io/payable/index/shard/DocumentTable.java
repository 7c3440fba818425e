package io.payable.index.shard;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/** Reads and writes {@code docs.arrow}: one row per document, in symbol-offset order. */
final class DocumentTable {

  static final String DOC_ID = "doc_id";
  static final String DATANET = "datanet";
  static final String CONTRIBUTOR = "contributor";
  static final String SYMBOL_OFFSET = "symbol_offset";
  static final String LENGTH = "length";
  static final String CONTENT_HASH = "content_hash";

  private static final int BATCH_ROWS = 65_536;

  private DocumentTable() {}

  static void write(List<DocumentRecord> docs, OutputStream out) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        VarCharVector docId = new VarCharVector(DOC_ID, allocator);
        VarCharVector datanet = new VarCharVector(DATANET, allocator);
        VarCharVector contributor = new VarCharVector(CONTRIBUTOR, allocator);
        BigIntVector offset = new BigIntVector(SYMBOL_OFFSET, allocator);
        IntVector length = new IntVector(LENGTH, allocator);
        VarCharVector hash = new VarCharVector(CONTENT_HASH, allocator);
        VectorSchemaRoot root =
            VectorSchemaRoot.of(docId, datanet, contributor, offset, length, hash);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, Channels.newChannel(out))) {
      writer.start();
      for (int start = 0; start < docs.size() || start == 0; start += BATCH_ROWS) {
        int rows = Math.min(BATCH_ROWS, docs.size() - start);
        root.allocateNew();
        for (int r = 0; r < rows; r++) {
          DocumentRecord d = docs.get(start + r);
          docId.setSafe(r, d.docId().getBytes(StandardCharsets.UTF_8));
          datanet.setSafe(r, d.datanet().getBytes(StandardCharsets.UTF_8));
          contributor.setSafe(r, d.contributor().getBytes(StandardCharsets.UTF_8));
          offset.setSafe(r, d.symbolOffset());
          length.setSafe(r, d.length());
          hash.setSafe(r, d.contentHash().getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(rows);
        writer.writeBatch();
        if (docs.isEmpty()) {
          break;
        }
      }
      writer.end();
    }
  }

  static List<DocumentRecord> read(Path file) throws IOException {
    List<DocumentRecord> docs = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      for (ArrowBlock block : reader.getRecordBlocks()) {
        reader.loadRecordBatch(block);
        VarCharVector docId = (VarCharVector) root.getVector(DOC_ID);
        VarCharVector datanet = (VarCharVector) root.getVector(DATANET);
        VarCharVector contributor = (VarCharVector) root.getVector(CONTRIBUTOR);
        BigIntVector offset = (BigIntVector) root.getVector(SYMBOL_OFFSET);
        IntVector length = (IntVector) root.getVector(LENGTH);
        VarCharVector hash = (VarCharVector) root.getVector(CONTENT_HASH);
        if (docId == null
            || datanet == null
            || contributor == null
            || offset == null
            || length == null
            || hash == null) {
          throw new ShardFormatException(file, "missing a column of the document table");
        }
        for (int r = 0; r < root.getRowCount(); r++) {
          docs.add(
              new DocumentRecord(
                  text(docId, r),
                  text(datanet, r),
                  text(contributor, r),
                  offset.get(r),
                  length.get(r),
                  text(hash, r)));
        }
      }
    }
    return docs;
  }

  private static String text(VarCharVector vector, int row) {
    return new String(vector.get(row), StandardCharsets.UTF_8);
  }
}
