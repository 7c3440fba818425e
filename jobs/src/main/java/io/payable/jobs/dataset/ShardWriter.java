package io.payable.jobs.dataset;

import io.payable.factory.dataset.DatasetPart;
import io.payable.factory.dataset.PackedSequence;
import io.payable.factory.dataset.SequencePacker;
import io.payable.factory.dataset.SequencePiece;
import io.payable.factory.dataset.TrainingShards;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.util.Collector;

/**
 * Writes one shard (keyed by {@code split-shard}): assembles its sequences from their pieces
 * ({@link SequencePacker#assemble}), encodes them as the in-process build does and writes both
 * files, overwriting, so a retried task writes the same bytes again.
 */
final class ShardWriter
    extends ProcessWindowFunction<SequencePiece, DatasetPart, String, GlobalWindow> {

  private final int sequencesPerShard;
  private final String outputDir;

  ShardWriter(int sequencesPerShard, String outputDir) {
    this.sequencesPerShard = sequencesPerShard;
    this.outputDir = outputDir;
  }

  static String key(SequencePiece p, int sequencesPerShard) {
    return TrainingShards.shardName(p.split(), p.sequence() / sequencesPerShard);
  }

  @Override
  public void process(
      String key, Context ctx, Iterable<SequencePiece> input, Collector<DatasetPart> out)
      throws Exception {
    String split = null;
    Map<Long, List<SequencePiece>> bySequence = new TreeMap<>();
    for (SequencePiece p : input) {
      split = p.split();
      bySequence.computeIfAbsent(p.sequence(), k -> new ArrayList<>()).add(p);
    }
    long shard = bySequence.keySet().iterator().next() / sequencesPerShard;
    long expected = shard * sequencesPerShard;
    List<PackedSequence> sequences = new ArrayList<>(bySequence.size());
    for (Map.Entry<Long, List<SequencePiece>> e : bySequence.entrySet()) {
      if (e.getKey() != expected++) {
        throw new IllegalStateException(key + " misses sequence " + (expected - 1));
      }
      sequences.add(SequencePacker.assemble(e.getValue()));
    }
    TrainingShards.EncodedShard encoded =
        TrainingShards.encodeShard(split, shard, sequencesPerShard, sequences);
    String name = TrainingShards.shardName(split, shard);
    DatasetFiles.write(outputDir, name + ".tokens", encoded.tokens());
    DatasetFiles.write(outputDir, name + ".jsonl", encoded.sequences());
    encoded.parts().forEach(out::collect);
  }
}
