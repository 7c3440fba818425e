package io.payable.ingest.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.index.shard.ShardWriter;
import io.payable.index.tokenize.Tokenizers;
import io.payable.ingest.curation.ContributionEvent;
import io.payable.ingest.record.AcceptedContribution;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tombstoned contributions leave the open shard, small-shard merges and sealed shards. */
class ShardBuilderTombstoneTest {

  private static final String DATANET = "0x" + "d1".repeat(32);
  private static final String TOKENIZER = "o200k_base";

  @TempDir Path store;

  private KeyedTwoInputStreamOperatorTestHarness<
          String, AcceptedContribution, ContributionEvent, SealedShard>
      harness(long maxSymbols, long smallShardSymbols, int fanIn) throws Exception {
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(
                new ShardBuilder(
                    maxSymbols, 60_000, TOKENIZER, smallShardSymbols, fanIn, store.toString())),
            AcceptedContribution::datanetId,
            ContributionEvent::datanetId,
            Types.STRING);
    h.open();
    return h;
  }

  private static String id(int n) {
    return "0x" + String.format("%064x", n);
  }

  private static AcceptedContribution contribution(int n) {
    return new AcceptedContribution(
        id(n),
        DATANET,
        "0x" + "a1".repeat(20),
        "0x" + String.format("%064x", 1000 + n),
        BigInteger.valueOf(n),
        "text " + n,
        new int[] {100 + n, 200 + n, 300 + n},
        8,
        1L,
        2L,
        null,
        null);
  }

  private static ContributionEvent withdrawn(int n) {
    return new ContributionEvent(
        "0xe" + n,
        DATANET,
        id(n),
        "0x" + "a1".repeat(20),
        ContributionEvent.WITHDRAWN,
        ContributionEvent.CONTRIBUTOR_REQUEST,
        5_000,
        null);
  }

  private static List<String> docs(SealedShard s) {
    return s.documents().stream().map(ShardDocument::contributionId).toList();
  }

  /** What the shard store's committer does once the checkpoint completes. */
  private void commit(SealedShard s) {
    ShardWriter w = new ShardWriter(Tokenizers.byId(TOKENIZER));
    s.documents()
        .forEach(
            d ->
                w.addTokens(
                    d.contributionId(), DATANET, d.contributor(), d.tokens(), d.contentHash()));
    w.write(
        Path.of(
            ShardStoreSink.shardPath(store.toString(), DATANET, s.sequence()).toUri().getPath()));
  }

  @Test
  void aTombstonedContributionLeavesTheOpenShardAndIsNeverIndexedWhenItArrivesLater()
      throws Exception {
    try (var h = harness(1_000, 0, 0)) {
      h.processElement1(new StreamRecord<>(contribution(1)));
      h.processElement1(new StreamRecord<>(contribution(2)));
      h.processElement2(new StreamRecord<>(withdrawn(1)));
      h.processElement2(new StreamRecord<>(withdrawn(3)));
      h.processElement1(new StreamRecord<>(contribution(3)));
      h.setProcessingTime(60_000);
      List<SealedShard> sealed = h.extractOutputValues();
      assertThat(sealed).hasSize(1);
      assertThat(docs(sealed.get(0))).containsExactly(id(2));
      assertThat(sealed.get(0).symbols()).isEqualTo(4);
      var rows = h.getSideOutput(ShardBuilder.CONTRIBUTIONS);
      assertThat(rows).hasSize(3);
      assertThat(rows.stream().filter(r -> r.getValue().contributionId().equals(id(3))))
          .allMatch(r -> r.getValue().shardId() == null);
    }
  }

  @Test
  void aTombstoneInACommittedShardRewritesItWithoutTheDocumentOnceItsFilesAreThere()
      throws Exception {
    // Two contributions (4 symbols each) fill a shard of 8.
    try (var h = harness(8, 0, 0)) {
      h.processElement1(new StreamRecord<>(contribution(1)));
      h.processElement1(new StreamRecord<>(contribution(2)));
      SealedShard first = h.extractOutputValues().get(0);
      assertThat(docs(first)).containsExactly(id(1), id(2));
      // A third contribution waits in the open shard (sequence 2).
      h.processElement1(new StreamRecord<>(contribution(3)));

      h.processElement2(new StreamRecord<>(withdrawn(1)));
      // The open shard is sealed first so the rewrite can take the next sequence; the shard of
      // the tombstone is not committed yet, so the rewrite waits.
      List<SealedShard> out = h.extractOutputValues();
      assertThat(out).hasSize(2);
      assertThat(out.get(1).sequence()).isEqualTo(2);
      assertThat(docs(out.get(1))).containsExactly(id(3));

      commit(first);
      h.setProcessingTime(1_000);
      out = h.extractOutputValues();
      assertThat(out).hasSize(3);
      SealedShard rewritten = out.get(2);
      assertThat(rewritten.sequence()).isEqualTo(3);
      assertThat(rewritten.supersedes()).containsExactly(1L);
      assertThat(docs(rewritten)).containsExactly(id(2));
      assertThat(rewritten.documents().get(0).tokens()).containsExactly(102, 202, 302);
      assertThat(rewritten.documents().get(0).contentHash())
          .isEqualTo(contribution(2).contentHash());

      // A replayed tombstone changes nothing.
      h.processElement2(new StreamRecord<>(withdrawn(1)));
      assertThat(h.extractOutputValues()).hasSize(3);
    }
  }

  @Test
  void aShardWhoseEveryDocumentIsTombstonedIsSupersededByARewriteOfAnother() throws Exception {
    try (var h = harness(8, 0, 0)) {
      h.processElement1(new StreamRecord<>(contribution(1)));
      h.processElement1(new StreamRecord<>(contribution(2)));
      h.processElement1(new StreamRecord<>(contribution(3)));
      h.processElement2(new StreamRecord<>(withdrawn(1)));
      List<SealedShard> out = h.extractOutputValues();
      assertThat(out).extracting(SealedShard::sequence).containsExactly(1L, 2L);
      commit(out.get(0));
      commit(out.get(1));
      h.setProcessingTime(1_000);
      SealedShard rewritten = h.extractOutputValues().get(2);
      assertThat(rewritten.supersedes()).containsExactly(1L);
      assertThat(docs(rewritten)).containsExactly(id(2));

      // The rewrite's last document goes too: no open shard, so shard 2 is rewritten with it.
      h.processElement2(new StreamRecord<>(withdrawn(2)));
      assertThat(h.extractOutputValues()).hasSize(3);
      commit(rewritten);
      h.setProcessingTime(2_000);
      out = h.extractOutputValues();
      assertThat(out).hasSize(4);
      assertThat(out.get(3).supersedes()).containsExactly(2L, 3L);
      assertThat(docs(out.get(3))).containsExactly(id(3));
    }
  }

  @Test
  void aTombstoneInASmallShardAwaitingCompactionMergesTheOthersAtOnce() throws Exception {
    try (var h = harness(1_000, 100, 3)) {
      h.processElement1(new StreamRecord<>(contribution(1)));
      h.setProcessingTime(60_000);
      h.processElement1(new StreamRecord<>(contribution(2)));
      h.setProcessingTime(120_000);
      assertThat(h.extractOutputValues()).hasSize(2);

      h.processElement2(new StreamRecord<>(withdrawn(1)));
      List<SealedShard> out = h.extractOutputValues();
      assertThat(out).hasSize(3);
      SealedShard merged = out.get(2);
      assertThat(merged.supersedes()).containsExactly(1L, 2L);
      assertThat(docs(merged)).containsExactly(id(2));
    }
  }
}
