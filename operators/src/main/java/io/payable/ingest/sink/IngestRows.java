package io.payable.ingest.sink;

import io.payable.ingest.record.AcceptedContribution;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.shard.ShardManifestEvent;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;

/** Rows of the ingest tables, in the column order of {@link IngestTables}. */
public final class IngestRows {

  private IngestRows() {}

  public static RowData contribution(AcceptedContribution c) {
    return GenericRowData.of(
        StringData.fromString(c.contributionId()),
        StringData.fromString(c.datanetId()),
        StringData.fromString(c.contributor()),
        StringData.fromString(c.contentHash()),
        c.tokenCount(),
        c.byteCount(),
        StringData.fromString(c.nonce().toString()),
        TimestampData.fromEpochMillis(c.submittedAt()),
        TimestampData.fromEpochMillis(c.acceptedAt()),
        c.license() == null ? null : StringData.fromString(c.license()),
        c.shardId() == null ? null : StringData.fromString(c.shardId()),
        StringData.fromString(c.content()));
  }

  public static RowData shard(ShardManifestEvent e) {
    return GenericRowData.of(
        StringData.fromString(e.datanetId()),
        StringData.fromString(e.shardId()),
        e.sequence(),
        StringData.fromString(e.path()),
        e.documents(),
        e.symbols(),
        StringData.fromString(e.merkleRoot()),
        StringData.fromString(e.tokenizer()),
        TimestampData.fromEpochMillis(e.sealedAt()),
        new GenericArrayData(
            e.supersedes().stream().map(StringData::fromString).toArray(StringData[]::new)));
  }

  public static RowData rejection(Rejection r) {
    return GenericRowData.of(
        StringData.fromString(r.reason()),
        StringData.fromString(r.detail()),
        StringData.fromString(r.topic()),
        r.partition(),
        r.offset(),
        r.raw(),
        r.size(),
        StringData.fromString(r.sha256()),
        TimestampData.fromEpochMillis(r.receivedAt()),
        TimestampData.fromEpochMillis(r.rejectedAt()));
  }
}
